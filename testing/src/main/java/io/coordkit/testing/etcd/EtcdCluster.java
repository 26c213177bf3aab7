package io.coordkit.testing.etcd;

import io.coordkit.testing.LocalProcess;
import io.coordkit.testing.LocalProcessCluster;
import io.coordkit.testing.NodeRole;
import io.coordkit.testing.NodeRuntime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * etcd members of Debian's {@code /usr/bin/etcd} (3.4), as local processes or in containers ({@link NodeRuntime}): a
 * single member, or a cluster of 3, with free client and peer ports and data directories on {@code /dev/shm} (etcd 3.4 has no
 * {@code --unsafe-no-fsync}; tmpfs roughly halves its write latency). Default Raft timing (heartbeat 100 ms,
 * election timeout 1 s). A member serves once its {@code /health} says so (its port opens ~0.5 s earlier); its role
 * comes from {@code /v3/maintenance/status} (leader id vs own member id). A restarted member starts with
 * {@code --initial-cluster-state existing} and its data as left.
 *
 * <pre>{@code
 * try (EtcdCluster etcd = EtcdCluster.of(3)) {
 *     etcd.start(Duration.ofSeconds(30));
 *     Coordinator c = Coordinators.connect(etcd.uri("myapp"));
 *     etcd.awaitLeader(Duration.ofSeconds(10)).freeze();
 * }
 * }</pre>
 */
public final class EtcdCluster extends LocalProcessCluster {

    /** The etcd binary of Debian's etcd-server package. */
    public static final String ETCD = System.getProperty("coordkit.etcd.binary", "/usr/bin/etcd");

    private static final List<String> PORTS = List.of("client", "peer");
    private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern MEMBER = Pattern.compile("\"member_id\"\\s*:\\s*\"?(\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private EtcdCluster(int size, NodeRuntime runtime) {
        super("etcd", size, runtime);
        if (!Files.isExecutable(Path.of(ETCD))) {
            throw new IllegalStateException(ETCD + " is missing: install Debian's etcd-server (scripts/setup does)");
        }
    }

    /**
     * @param size 1, or 3 (5...) for a cluster with a quorum
     * @return the cluster, not started
     */
    public static EtcdCluster of(int size) {
        return of(size, NodeRuntime.fromSettings());
    }

    /**
     * @param size    1, or 3 (5...) for a cluster with a quorum
     * @param runtime local processes, or containers (which can be partitioned)
     * @return the cluster, not started
     */
    public static EtcdCluster of(int size, NodeRuntime runtime) {
        return new EtcdCluster(size, runtime);
    }

    /**
     * @param namespace a coordkit namespace
     * @return the URI of this cluster's members for that namespace
     */
    public String uri(String namespace) {
        return uri(connectString(), namespace);
    }

    /**
     * @param hosts     {@code host:port,...} of the members' client ports
     * @param namespace a coordkit namespace
     * @return the coordkit URI
     */
    public static String uri(String hosts, String namespace) {
        return "etcd://" + hosts + "/" + namespace;
    }

    @Override
    protected List<String> portNames() {
        return PORTS;
    }

    @Override
    protected LocalProcess.Builder process(LocalNode node, boolean firstStart) {
        StringBuilder initial = new StringBuilder();
        for (LocalNode n : localNodes()) {
            if (initial.length() > 0) {
                initial.append(',');
            }
            initial.append(n.name()).append("=http://").append(n.host()).append(':').append(n.port("peer"));
        }
        // listen where the runtime says (127.0.0.1, or every address of a container); advertise the address peers
        // and clients reach
        String listenClient = "http://" + node.listenHost() + ":" + node.port("client");
        String client = "http://" + node.host() + ":" + node.port("client");
        String listenPeer = "http://" + node.listenHost() + ":" + node.port("peer");
        String peer = "http://" + node.host() + ":" + node.port("peer");
        List<String> cmd = new ArrayList<>(List.of(ETCD,
                "--name", node.name(),
                "--data-dir", node.dataDirectory().resolve("data").toString(),
                "--listen-client-urls", listenClient,
                "--advertise-client-urls", client,
                "--listen-peer-urls", listenPeer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster-token", clusterToken(),
                "--initial-cluster", initial.toString(),
                "--initial-cluster-state", firstStart ? "new" : "existing",
                "--logger", "zap",
                "--log-level", "warn"));
        return LocalProcess.builder(node.name()).command(cmd);
    }

    /** @return one token for all members of this cluster, and none other (members of other clusters refuse) */
    private String clusterToken() {
        return "coordkit-tck-" + localNodes().get(0).dataDirectory().getFileName();
    }

    @Override
    protected NodeRole askRole(LocalNode node) {
        String base = "http://127.0.0.1:" + node.port("client");
        try {
            String health = send(HttpRequest.newBuilder(URI.create(base + "/health")).GET());
            if (!health.contains("\"health\":\"true\"")) {
                return NodeRole.NOT_SERVING;
            }
            String status = send(HttpRequest.newBuilder(URI.create(base + "/v3/maintenance/status"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")));
            Matcher l = LEADER.matcher(status);
            Matcher m = MEMBER.matcher(status);
            if (!l.find() || !m.find()) {
                return NodeRole.NOT_SERVING;
            }
            if (!l.group(1).equals(m.group(1))) {
                return NodeRole.FOLLOWER;
            }
            return localNodes().size() == 1 ? NodeRole.STANDALONE : NodeRole.LEADER;
        } catch (IOException e) {
            return NodeRole.NOT_SERVING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NodeRole.NOT_SERVING;
        }
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(1)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
