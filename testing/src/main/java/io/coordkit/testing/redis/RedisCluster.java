package io.coordkit.testing.redis;

import io.coordkit.testing.FreePorts;
import io.coordkit.testing.LocalProcess;
import io.coordkit.testing.LocalProcessCluster;
import io.coordkit.testing.NodeProcess;
import io.coordkit.testing.NodeRole;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.TestDirectories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Redis servers as local processes of Debian's {@code redis-server} and {@code redis-sentinel}: a single server, or a
 * master with two replicas watched by three Sentinels (quorum 2, {@code down-after-milliseconds} 1000,
 * {@code failover-timeout} 5000), all on free 127.0.0.1 ports, without persistence ({@code --save ''
 * --appendonly no}). Each Sentinel has its own writable config file (Sentinel rewrites it).
 *
 * <p>Roles come from {@code ROLE}: a replica whose link to its master is up is a follower; a server that calls
 * itself master is the leader only if the Sentinels (the majority of those that answer) name it: a killed master
 * restarted by hand comes back as an <em>empty</em> master and keeps calling itself master until Sentinel demotes
 * it (about 8 s later, by Sentinel's own rule), and an old master thawed after a failover does the same briefly.
 * Such a node is reported {@link NodeRole#NOT_SERVING}, so {@link #awaitServing} waits for the demotion.
 *
 * <p>A node restarted alone is started with the same command as before (so an old master comes back as a master);
 * when the whole cluster starts again, the node that led last starts as master and the others as its replicas. For
 * {@code redis-sentinel:} URIs the client endpoints are the Sentinels ({@link #clientEndpoints()}).
 *
 * <p>In containers ({@link NodeRuntime#containers()}) every server and every Sentinel runs in a container of its
 * own on the cluster's network: a partition of the master ({@code partitions().isolate(master)}) cuts it from the
 * replicas <em>and</em> from the Sentinels, as a real network split would, and the Sentinels fail over. The Sentinels
 * monitor the servers at their containers' addresses and tell clients those addresses, which this machine reaches
 * directly (the cluster's network is a bridge of this machine); the Sentinels themselves are published on
 * 127.0.0.1 like every node's client port.
 */
public final class RedisCluster extends LocalProcessCluster {

    /** The name the Sentinels monitor. */
    public static final String MASTER_NAME = "coordkit";

    private static final List<String> PORTS = List.of("client");
    private static final int ASK_TIMEOUT_MS = 1000;

    private final boolean withSentinels;
    private final List<Sentinel> sentinels = new ArrayList<>();
    private final List<SentinelRoutes> sentinelRoutes = new ArrayList<>();
    /** Node index to the {@code --replicaof} arguments it was first started with (empty for a master). */
    private final Map<Integer, List<String>> replicaOf = new HashMap<>();
    private volatile int lastLeader = 1;
    private boolean startingAll;

    private RedisCluster(int size, boolean withSentinels, NodeRuntime runtime) {
        super("redis", size, runtime);
        this.withSentinels = withSentinels;
        if (withSentinels) {
            for (int i = 1; i <= 3; i++) {
                int port = FreePorts.next();
                Path dir = newAuxiliaryDirectory("redis-sentinel" + i);
                String name = "sentinel-" + i;
                NodeProcess process = auxiliaryProcess(name, LocalProcess.builder(name)
                        .command(List.of("redis-sentinel", dir.resolve("sentinel.conf").toString()))
                        .logFile(logDirectory().resolve(name + ".log")), port, dir);
                sentinels.add(new Sentinel(i, port, dir, process));
            }
        }
    }

    /** @return one Redis server, in the runtime the settings name ({@link NodeRuntime#fromSettings()}); not started */
    public static RedisCluster single() {
        return single(NodeRuntime.fromSettings());
    }

    /**
     * @param runtime local processes or containers
     * @return one Redis server; not started
     */
    public static RedisCluster single(NodeRuntime runtime) {
        return new RedisCluster(1, false, runtime);
    }

    /**
     * @return a master, two replicas and three Sentinels, in the runtime the settings name
     *         ({@link NodeRuntime#fromSettings()}); not started
     */
    public static RedisCluster withSentinels() {
        return withSentinels(NodeRuntime.fromSettings());
    }

    /**
     * @param runtime local processes, or containers (one per server and per Sentinel, for partitions)
     * @return a master, two replicas and three Sentinels; not started
     */
    public static RedisCluster withSentinels(NodeRuntime runtime) {
        return new RedisCluster(3, true, runtime);
    }

    /** @return the Sentinels (empty for a single server) */
    public List<Sentinel> sentinels() {
        return List.copyOf(sentinels);
    }

    @Override
    public List<InetSocketAddress> clientEndpoints() {
        if (!withSentinels) {
            return super.clientEndpoints();
        }
        return sentinels.stream().map(Sentinel::address).collect(Collectors.toList());
    }

    /**
     * With Sentinels, every server's client endpoint is routed, and the Sentinels are reached through proxies that
     * tell the client each server's route instead of its address; so a client can be cut from the master alone (its
     * route), from the Sentinels, or from everything.
     */
    @Override
    public String connectStringVia(UnaryOperator<InetSocketAddress> route) {
        if (!withSentinels) {
            return super.connectStringVia(route);
        }
        Map<Integer, InetSocketAddress> routes = new HashMap<>();
        for (LocalNode n : localNodes()) {
            routes.put(n.port("client"), route.apply(n.clientAddress()));
        }
        List<String> hosts = new ArrayList<>();
        for (Sentinel s : sentinels) {
            SentinelRoutes proxy = SentinelRoutes.start(s.address(), routes);
            synchronized (sentinelRoutes) {
                sentinelRoutes.add(proxy);
            }
            InetSocketAddress via = route.apply(proxy.address());
            hosts.add(via.getHostString() + ":" + via.getPort());
        }
        return String.join(",", hosts);
    }

    @Override
    protected List<String> portNames() {
        return PORTS;
    }

    @Override
    public synchronized void start(Duration timeout) {
        boolean none = localNodes().stream().noneMatch(LocalNode::isRunning);
        startingAll = none;
        try {
            super.start(timeout);
        } finally {
            startingAll = false;
        }
    }

    @Override
    protected LocalProcess.Builder process(LocalNode node, boolean firstStart) {
        if (firstStart || startingAll) {
            int m = startingAll ? lastLeader : 1;
            LocalNode master = localNodes().get(m - 1);
            replicaOf.put(node.index(), node.index() == m ? List.of()
                    : List.of("--replicaof", masterHost(master), Integer.toString(master.port("client"))));
        }
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(node.port("client")),
                "--bind", node.listenHost(), "--protected-mode", "no", "--daemonize", "no", "--save", "",
                "--appendonly", "no", "--dir", node.dataDirectory().toString(), "--logfile", "",
                "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"));
        cmd.addAll(replicaOf.getOrDefault(node.index(), List.of()));
        return LocalProcess.builder(node.name()).command(cmd);
    }

    /**
     * The master's address as its replicas are told it: the address the Sentinels use too when it runs (Sentinel
     * takes a replica whose master is named otherwise for misconfigured and sets it again), else its host name.
     */
    private static String masterHost(LocalNode master) {
        return master.isRunning() ? master.networkAddress() : master.host();
    }

    @Override
    protected NodeRole askRole(LocalNode node) {
        Object reply;
        try {
            reply = Resp.command(node.clientAddress(), ASK_TIMEOUT_MS, "ROLE");
        } catch (IOException e) {
            return NodeRole.NOT_SERVING;
        }
        if (!(reply instanceof List<?> role) || role.isEmpty()) {
            return NodeRole.NOT_SERVING;
        }
        String kind = String.valueOf(role.get(0));
        if ("master".equals(kind)) {
            if (!withSentinels) {
                return NodeRole.STANDALONE;
            }
            Optional<Integer> named = sentinelsMaster();
            if (named.isEmpty() || named.get() == node.port("client")) {
                lastLeader = node.index();
                return NodeRole.LEADER;
            }
            return NodeRole.NOT_SERVING;
        }
        if ("slave".equals(kind) && role.size() > 3 && "connected".equals(String.valueOf(role.get(3)))) {
            return NodeRole.FOLLOWER;
        }
        return NodeRole.NOT_SERVING;
    }

    /** @return the master's port as most of the answering Sentinels name it */
    public Optional<Integer> sentinelsMaster() {
        Map<Integer, Integer> votes = new HashMap<>();
        for (Sentinel s : sentinels) {
            if (!s.process.isAlive() || s.process.isFrozen()) {
                continue;
            }
            s.askMaster().ifPresent(p -> votes.merge(p, 1, Integer::sum));
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    @Override
    public void awaitServing(Duration timeout) {
        super.awaitServing(timeout);
        if (!withSentinels) {
            return;
        }
        // every running Sentinel must name the serving master and know its peers (to fail over) and the replicas
        // (a Sentinel learns of replicas only from the master's INFO, every 10 s: a master killed before that
        // leaves Sentinel with "-failover-abort-no-good-slave" for good, as seen when FOV-3 ran first)
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<Integer> leader = leader().map(n -> n.clientAddress().getPort());
            boolean ok = leader.isPresent();
            Set<Integer> replicas = new HashSet<>();
            for (LocalNode n : localNodes()) {
                if (n.isRunning() && !n.isFrozen() && n.role() == NodeRole.FOLLOWER) {
                    replicas.add(n.clientAddress().getPort());
                }
            }
            for (Sentinel s : sentinels) {
                if (!s.process.isAlive() || s.process.isFrozen()) {
                    continue;
                }
                ok &= s.askMaster().equals(leader) && s.knownPeers() >= 2
                        && s.knownReplicas().containsAll(replicas);
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Sentinels do not agree on the master within " + timeout + "\n"
                        + describe());
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    @Override
    protected void startAuxiliaries() {
        LocalNode master = localNodes().get(lastLeader - 1);
        // Sentinels started once the replicas are attached find them in their first INFO of the master instead of
        // the next one, 10 s later (awaitServing waits for that either way)
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && localNodes().stream().anyMatch(n -> n.index() != lastLeader
                && n.isRunning() && !n.isFrozen() && n.role() != NodeRole.FOLLOWER)) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        // in containers a whole-cluster start may give servers new addresses: the Sentinels start from a new
        // configuration then, rather than from the addresses they wrote into theirs
        boolean fresh = runtime().isContainer() && sentinels.stream().noneMatch(s -> s.process.isAlive());
        for (Sentinel s : sentinels) {
            if (!s.process.isAlive()) {
                s.start(masterHost(master), master.port("client"), master.listenHost(), fresh);
            }
        }
    }

    @Override
    protected void stopAuxiliaries() {
        for (Sentinel s : sentinels) {
            s.process.stop(Duration.ofSeconds(5));
        }
    }

    @Override
    public synchronized void close() {
        try {
            super.close();
        } finally {
            synchronized (sentinelRoutes) {
                sentinelRoutes.forEach(SentinelRoutes::close);
                sentinelRoutes.clear();
            }
            for (Sentinel s : sentinels) {
                s.process.close();
                TestDirectories.deleteRecursively(s.directory);
            }
        }
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(super.describe());
        for (Sentinel s : sentinels) {
            sb.append("\n  sentinel-").append(s.index).append(' ').append(s.address()).append(s.process.isAlive()
                    ? (s.process.isFrozen() ? " FROZEN" : " names master " + s.askMaster().orElse(-1)) : " DOWN");
        }
        return sb.toString();
    }

    /**
     * One Sentinel: a process (or container) that can be killed, frozen, thawed and started again with its rewritten
     * config.
     */
    public static final class Sentinel {
        private final int index;
        private final int port;
        private final Path directory;
        private final NodeProcess process;
        private boolean configured;

        Sentinel(int index, int port, Path directory, NodeProcess process) {
            this.index = index;
            this.port = port;
            this.directory = directory;
            this.process = process;
        }

        /** @return where clients reach it */
        public InetSocketAddress address() {
            return new InetSocketAddress(FreePorts.loopback().getHostAddress(), port);
        }

        /** @return the process or container (kill, freeze, thaw, stop, start) */
        public NodeProcess process() {
            return process;
        }

        synchronized void start(String masterHost, int masterPort, String listenHost, boolean fresh) {
            if (!configured || fresh) {
                String conf = "port " + port + "\nbind " + listenHost + "\nprotected-mode no\ndaemonize no\n"
                        + "logfile \"\"\ndir " + directory + "\n"
                        + "sentinel monitor " + MASTER_NAME + " " + masterHost + " " + masterPort + " 2\n"
                        + "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
                        + "sentinel failover-timeout " + MASTER_NAME + " 5000\n"
                        + "sentinel parallel-syncs " + MASTER_NAME + " 1\n";
                try {
                    Files.writeString(directory.resolve("sentinel.conf"), conf);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                configured = true;
            }
            process.start();
        }

        Optional<Integer> askMaster() {
            try {
                Object r = Resp.command(address(), ASK_TIMEOUT_MS, "SENTINEL", "get-master-addr-by-name", MASTER_NAME);
                if (r instanceof List<?> l && l.size() == 2) {
                    return Optional.of(Integer.parseInt(String.valueOf(l.get(1))));
                }
            } catch (IOException | RuntimeException e) {
                // not answering
            }
            return Optional.empty();
        }

        /** @return the ports of the replicas this Sentinel knows and holds usable (flags exactly "slave") */
        Set<Integer> knownReplicas() {
            Set<Integer> ports = new HashSet<>();
            try {
                Object r = Resp.command(address(), ASK_TIMEOUT_MS, "SENTINEL", "replicas", MASTER_NAME);
                if (r instanceof List<?> replicas) {
                    for (Object replica : replicas) {
                        if (replica instanceof List<?> fields) {
                            Map<String, String> f = new HashMap<>();
                            for (int i = 0; i + 1 < fields.size(); i += 2) {
                                f.put(String.valueOf(fields.get(i)), String.valueOf(fields.get(i + 1)));
                            }
                            if ("slave".equals(f.get("flags")) && f.containsKey("port")) {
                                ports.add(Integer.parseInt(f.get("port")));
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not answering
            }
            return ports;
        }

        int knownPeers() {
            try {
                Object r = Resp.command(address(), ASK_TIMEOUT_MS, "SENTINEL", "sentinels", MASTER_NAME);
                return r instanceof List<?> l ? l.size() : 0;
            } catch (IOException e) {
                return 0;
            }
        }
    }
}
