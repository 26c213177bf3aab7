package io.coordkit.testing.zookeeper;

import io.coordkit.testing.LocalProcess;
import io.coordkit.testing.LocalProcessCluster;
import io.coordkit.testing.NodeRole;
import io.coordkit.testing.NodeRuntime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ZooKeeper servers in child JVMs running {@code org.apache.zookeeper.server.quorum.QuorumPeerMain}: a single
 * standalone node, or an ensemble (3 or 5 nodes) on free ports, as local processes on 127.0.0.1 or each in a
 * container ({@link NodeRuntime}); clients always connect to 127.0.0.1 (a container publishes its client port there).
 *
 * <p>ZooKeeper must be on the class path of the JVM that starts the cluster (it is in a ZooKeeper backend's
 * tests); this module does not depend on it. Every node gets a {@code zoo.cfg} with a small {@code tickTime} (250 ms by
 * default) so that session timeouts of a few seconds are allowed ({@code minSessionTimeout} and
 * {@code maxSessionTimeout} are explicit), the admin server off, and the four-letter words {@code srvr, ruok, mntr,
 * stat} on; the leader is found by asking each node {@code srvr} ({@code Mode: leader}).
 *
 * <pre>{@code
 * try (ZooKeeperCluster zk = ZooKeeperCluster.started(3)) {
 *     Coordinator c = Coordinators.connect(zk.uri("myapp"));
 *     zk.awaitLeader(Duration.ofSeconds(10)).kill();
 * }
 * }</pre>
 */
public final class ZooKeeperCluster extends LocalProcessCluster {

    /** The main class every node runs. */
    public static final String MAIN_CLASS = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    private static final List<String> PORTS = List.of("client", "quorum", "election");
    private static final int FOUR_LETTER_TIMEOUT_MS = 1000;

    private final Duration tickTime;
    private final List<String> jvmOptions;

    private ZooKeeperCluster(int size, Duration tickTime, List<String> jvmOptions, NodeRuntime runtime) {
        super("zookeeper", size, runtime);
        this.tickTime = tickTime;
        this.jvmOptions = List.copyOf(jvmOptions);
        requireOnClassPath();
    }

    /**
     * @param namespace a coordkit namespace
     * @return a coordkit URI for this cluster's nodes and that namespace, for example
     *         {@code zookeeper://127.0.0.1:41234,127.0.0.1:41240/orders}
     */
    public String uri(String namespace) {
        return uri(connectString(), namespace);
    }

    /**
     * @param hosts     {@code host:port,...}
     * @param namespace a coordkit namespace
     * @return the coordkit URI of the ZooKeeper backend for them
     */
    public static String uri(String hosts, String namespace) {
        return "zookeeper://" + hosts + "/" + namespace;
    }

    /**
     * The one-liner for tests: a cluster started and serving, in the runtime the settings name.
     *
     * @param nodes 1 for a standalone node, 3 or 5 for an ensemble
     * @return the cluster, serving (waits up to 90 s); close it to stop the servers and delete their data
     */
    public static ZooKeeperCluster started(int nodes) {
        ZooKeeperCluster zk = builder().size(nodes).build();
        try {
            zk.start(Duration.ofSeconds(90));
            return zk;
        } catch (RuntimeException e) {
            zk.close();
            throw e;
        }
    }

    /** @return a single standalone node with the default tick time (250 ms); not started */
    public static ZooKeeperCluster singleNode() {
        return builder().size(1).build();
    }

    /**
     * @param size how many nodes, 3 or 5 for a meaningful quorum
     * @return an ensemble with the default tick time (250 ms); not started
     */
    public static ZooKeeperCluster ensemble(int size) {
        return builder().size(size).build();
    }

    /** @return a builder for other sizes, tick times and JVM options */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the tick time every node runs with */
    public Duration tickTime() {
        return tickTime;
    }

    @Override
    protected List<String> portNames() {
        return PORTS;
    }

    @Override
    protected LocalProcess.Builder process(LocalNode node, boolean firstStart) {
        Path cfg = node.dataDirectory().resolve("zoo.cfg");
        if (firstStart) {
            writeConfig(node, cfg);
        }
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dzookeeper.admin.enableServer=false");
        options.add("-Dzookeeper.4lw.commands.whitelist=srvr,ruok,mntr,stat");
        options.add("-Dzookeeper.jmx.log4j.disable=true");
        return LocalProcess.builder(node.name()).javaMain(options, MAIN_CLASS, cfg.toString());
    }

    @Override
    protected NodeRole askRole(LocalNode node) {
        String srvr;
        try {
            srvr = fourLetterWord(node.clientAddress(), "srvr");
        } catch (IOException e) {
            return NodeRole.NOT_SERVING;
        }
        for (String line : srvr.split("\n")) {
            if (line.startsWith("Mode:")) {
                String mode = line.substring(5).trim().toLowerCase(Locale.ROOT);
                switch (mode) {
                    case "leader":
                        return NodeRole.LEADER;
                    case "follower":
                    case "observer":
                        return NodeRole.FOLLOWER;
                    case "standalone":
                        return NodeRole.STANDALONE;
                    default:
                        return NodeRole.NOT_SERVING;
                }
            }
        }
        // "This ZooKeeper instance is not currently serving requests"
        return NodeRole.NOT_SERVING;
    }

    /**
     * Sends a four-letter word to a node and reads the whole answer.
     *
     * @param address the node's client address
     * @param word    for example {@code srvr}
     * @return the answer
     * @throws IOException if the node does not answer within a second
     */
    public static String fourLetterWord(InetSocketAddress address, String word) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, FOUR_LETTER_TIMEOUT_MS);
            s.setSoTimeout(FOUR_LETTER_TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * @param node a node
     * @return its {@code srvr} answer, or the error, for diagnostics
     */
    public Optional<String> srvr(LocalNode node) {
        try {
            return Optional.of(fourLetterWord(node.clientAddress(), "srvr"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void writeConfig(LocalNode node, Path cfg) {
        long tick = tickTime.toMillis();
        StringBuilder sb = new StringBuilder();
        sb.append("tickTime=").append(tick).append('\n');
        sb.append("initLimit=").append(Math.max(10, 10_000 / tick)).append('\n');
        sb.append("syncLimit=").append(Math.max(5, 2_000 / tick)).append('\n');
        sb.append("minSessionTimeout=").append(Math.max(2 * tick, 1000)).append('\n');
        sb.append("maxSessionTimeout=").append(600_000).append('\n');
        sb.append("dataDir=").append(node.dataDirectory().toAbsolutePath()).append('\n');
        sb.append("clientPort=").append(node.port("client")).append('\n');
        sb.append("clientPortAddress=").append(node.listenHost()).append('\n');
        sb.append("forceSync=no\n");
        sb.append("admin.enableServer=false\n");
        sb.append("4lw.commands.whitelist=srvr,ruok,mntr,stat\n");
        sb.append("maxClientCnxns=0\n");
        sb.append("autopurge.purgeInterval=0\n");
        if (localNodes().size() > 1) {
            sb.append("standaloneEnabled=false\n");
            sb.append("reconfigEnabled=false\n");
            for (LocalNode n : localNodes()) {
                sb.append("server.").append(n.index()).append('=').append(n.host()).append(':')
                        .append(n.port("quorum")).append(':')
                        .append(n.port("election")).append('\n');
            }
        }
        try {
            Files.writeString(node.dataDirectory().resolve("myid"), Integer.toString(node.index()) + "\n");
            Files.writeString(cfg, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + cfg, e);
        }
    }

    private static void requireOnClassPath() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try {
            Class.forName(MAIN_CLASS, false, cl != null ? cl : ZooKeeperCluster.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(MAIN_CLASS + " is not on the class path: add org.apache.zookeeper:"
                    + "zookeeper (the server is in the same jar) to the class path of the JVM running the TCK", e);
        }
    }

    /** Options of a {@link ZooKeeperCluster}. */
    public static final class Builder {
        private int size = 1;
        private Duration tickTime = Duration.ofMillis(250);
        private NodeRuntime runtime;
        private final List<String> jvmOptions = new ArrayList<>(List.of("-Xms32m", "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true"));

        private Builder() {
        }

        /**
         * @param nodes how many nodes (1 for standalone)
         * @return this builder
         */
        public Builder size(int nodes) {
            this.size = nodes;
            return this;
        }

        /**
         * @param tick the tick time; sessions may be 2 ticks to 10 minutes long
         * @return this builder
         */
        public Builder tickTime(Duration tick) {
            if (tick.toMillis() < 10) {
                throw new IllegalArgumentException("tickTime must be at least 10 ms, was " + tick);
            }
            this.tickTime = tick;
            return this;
        }

        /**
         * @param option an extra JVM option for every node, for example {@code -Dzookeeper.foo=bar}
         * @return this builder
         */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /**
         * @param nodeRuntime local processes or containers (default: {@link NodeRuntime#fromSettings()})
         * @return this builder
         */
        public Builder runtime(NodeRuntime nodeRuntime) {
            this.runtime = nodeRuntime;
            return this;
        }

        /** @return the cluster, not started */
        public ZooKeeperCluster build() {
            return new ZooKeeperCluster(size, tickTime, jvmOptions, runtime != null ? runtime
                    : NodeRuntime.fromSettings());
        }
    }
}
