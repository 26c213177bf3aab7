package io.coordkit.testing;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The common part of every launcher: a cluster whose nodes are processes started from a command line, on this
 * machine ({@link LocalProcess}) or each in a container ({@link NodeRuntime#containers()}): free ports, a data
 * directory per node, a log file per node, kill / freeze / restart, {@link Partitions} where the runtime makes
 * them, and polling for roles. Clients always reach a node at 127.0.0.1 and its first port.
 * An engine supplies three things: the ports each node needs ({@link #portNames()}), how to launch a node
 * ({@link #process}) and how to ask a node for its role ({@link #askRole}).
 *
 * <p>Later engines fit like this: etcd members are {@code /usr/bin/etcd} commands (ports {@code client, peer};
 * a restarted member is launched with {@code --initial-cluster-state existing}, hence the {@code firstStart} flag;
 * role from the member's {@code /v3/maintenance/status} leader field); Redis nodes are {@code redis-server}
 * commands, the Sentinels auxiliary processes ({@link #auxiliaryProcess}) started by {@link #startAuxiliaries()}
 * (role from {@code ROLE}; the master is the leader); Hazelcast members are {@code javaMain} child JVMs (role from
 * the CP group leader).
 */
public abstract class LocalProcessCluster implements EngineCluster {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String engine;
    private final NodeRuntime runtime;
    private final Placement placement;
    private final List<LocalNode> nodes;
    private final Path logDirectory;
    private boolean closed;

    /**
     * Reserves ports and data directories for every node, to run as local processes; starts nothing.
     *
     * @param engine the engine's name, for example {@code zookeeper}
     * @param size   how many nodes
     */
    protected LocalProcessCluster(String engine, int size) {
        this(engine, size, NodeRuntime.processes());
    }

    /**
     * Reserves ports and data directories for every node; starts nothing. For the container runtime, the engine
     * must bind to {@link LocalNode#listenHost()} and name peers by {@link LocalNode#host()} (both are 127.0.0.1
     * for local processes).
     *
     * @param engine  the engine's name, for example {@code zookeeper}
     * @param size    how many nodes
     * @param runtime local processes or containers
     */
    protected LocalProcessCluster(String engine, int size, NodeRuntime runtime) {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node, was " + size);
        }
        this.engine = engine;
        this.runtime = runtime;
        this.placement = runtime.place(engine + "-" + size);
        this.logDirectory = TestDirectories.newLogDirectory(engine + "-" + size);
        List<LocalNode> list = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (String portName : portNames()) {
                ports.put(portName, FreePorts.next());
            }
            list.add(new LocalNode(i, nodeName(i), ports, placement.newDataDirectory(engine + i),
                    logDirectory.resolve(nodeName(i) + ".log")));
        }
        this.nodes = Collections.unmodifiableList(list);
    }

    /**
     * @return the names of the ports every node needs; the first is the client port. Called from the constructor:
     *         must not depend on subclass fields.
     */
    protected abstract List<String> portNames();

    /**
     * @param node       the node
     * @param firstStart true the first time the node starts (with empty data), false for a restart
     * @return the process to launch for the node (not started); log to {@link LocalNode#logFile()}
     */
    protected abstract LocalProcess.Builder process(LocalNode node, boolean firstStart);

    /**
     * Asks a running, unfrozen node for its role; must answer within about a second.
     *
     * @param node the node
     * @return its role; {@link NodeRole#NOT_SERVING} if it does not answer or does not serve
     */
    protected abstract NodeRole askRole(LocalNode node);

    /**
     * Places a process that is not a node (a Redis Sentinel, say) where the nodes run: a local process, or a
     * container on the cluster's network. A node cut from its peers ({@link Partitions#isolateFromPeers}) is cut
     * from these processes too, as from a real network split; {@link #close()} removes their containers. The caller
     * starts, stops and closes the process.
     *
     * @param name       a short name, unique in the cluster
     * @param process    its command line and log file, as for a local process
     * @param clientPort the port clients on this machine use (published on 127.0.0.1 by a container)
     * @param dataDir    its writable directory, from {@link #newAuxiliaryDirectory}
     * @return the process, not started
     */
    protected final NodeProcess auxiliaryProcess(String name, LocalProcess.Builder process, int clientPort,
                                                 Path dataDir) {
        return placement.process(name, process, clientPort, dataDir);
    }

    /**
     * @param prefix a short name
     * @return a new directory that an auxiliary process of this cluster can write, at the same path in a container
     */
    protected final Path newAuxiliaryDirectory(String prefix) {
        return placement.newDataDirectory(prefix);
    }

    /** Starts processes that are not nodes (for example Redis Sentinels) after the nodes. Default: none. */
    protected void startAuxiliaries() {
    }

    /** Stops the processes started by {@link #startAuxiliaries()}. Default: none. */
    protected void stopAuxiliaries() {
    }

    /**
     * @param index the 1-based index
     * @return the node's name
     */
    protected String nodeName(int index) {
        return engine + "-" + index;
    }

    @Override
    public String engine() {
        return engine;
    }

    @Override
    public List<EngineNode> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** @return the nodes with their local details */
    protected List<LocalNode> localNodes() {
        return nodes;
    }

    /** @return how the nodes run: local processes or containers */
    public NodeRuntime runtime() {
        return runtime;
    }

    /** @return partitions between nodes and clients, with the container runtime; empty for local processes */
    @Override
    public Optional<Partitions> partitions() {
        return placement.partitions(nodes);
    }

    /** @return where the nodes' logs are */
    public Path logDirectory() {
        return logDirectory;
    }

    @Override
    public synchronized void start(Duration timeout) {
        if (closed) {
            throw new IllegalStateException(engine + " cluster is closed");
        }
        for (LocalNode n : nodes) {
            if (!n.isRunning()) {
                n.start();
            }
        }
        startAuxiliaries();
        awaitServing(timeout);
    }

    @Override
    public synchronized void stop() {
        stopAuxiliaries();
        for (LocalNode n : nodes) {
            n.stop();
        }
    }

    @Override
    public Optional<EngineNode> leader() {
        for (LocalNode n : nodes) {
            if (n.role().leads()) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    @Override
    public EngineNode awaitLeader(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<EngineNode> leader = leader();
            if (leader.isPresent()) {
                return leader.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + engine + " leader within " + timeout + "\n" + describe()
                        + logTails());
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    @Override
    public void awaitServing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean allServe = true;
            boolean leaderSeen = false;
            for (LocalNode n : nodes) {
                if (n.expectedRunning && !n.isRunning()) {
                    throw new IllegalStateException(n.name() + " exited by itself while " + engine
                            + " was starting\n" + describe() + logTails());
                }
                if (!n.isRunning() || n.isFrozen()) {
                    continue;
                }
                NodeRole role = n.role();
                allServe &= role == NodeRole.LEADER || role == NodeRole.FOLLOWER || role == NodeRole.STANDALONE;
                leaderSeen |= role.leads();
            }
            if (allServe && leaderSeen) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(engine + " cluster not serving within " + timeout + "\n" + describe()
                        + logTails());
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopAuxiliaries();
        } finally {
            for (LocalNode n : nodes) {
                try {
                    n.kill();
                } finally {
                    n.closeProcess();
                }
            }
            placement.close();
            for (LocalNode n : nodes) {
                TestDirectories.deleteRecursively(n.dataDirectory());
            }
        }
    }

    /** @return the last lines of every node's log */
    protected String logTails() {
        StringBuilder sb = new StringBuilder();
        for (LocalNode n : nodes) {
            NodeProcess p = n.process;
            if (p != null) {
                sb.append("\n--- last lines of ").append(n.logFile()).append(":\n").append(p.logTail(15));
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** A node of a {@link LocalProcessCluster}: a local process with its ports and data directory. */
    public final class LocalNode implements Placement.PlacedNode {
        private final int index;
        private final String name;
        private final Map<String, Integer> ports;
        private final Path dataDirectory;
        private final Path logFile;
        private NodeProcess process;
        private boolean started;
        /** True from start() until kill() or stop(): the node should run, and its exit is a failure. */
        private volatile boolean expectedRunning;

        LocalNode(int index, String name, Map<String, Integer> ports, Path dataDirectory, Path logFile) {
            this.index = index;
            this.name = name;
            this.ports = Map.copyOf(ports);
            this.dataDirectory = dataDirectory;
            this.logFile = logFile;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int index() {
            return index;
        }

        /**
         * @param portName one of {@link #portNames()}
         * @return the port reserved for it
         */
        public int port(String portName) {
            Integer p = ports.get(portName);
            if (p == null) {
                throw new IllegalArgumentException("no port named " + portName + " in " + ports.keySet());
            }
            return p;
        }

        /** @return the address this node's servers bind to: 127.0.0.1, or every address of its container */
        public String listenHost() {
            return placement.listenHost();
        }

        /** @return the host the other nodes reach this node by: 127.0.0.1, or its name on the cluster's network */
        public String host() {
            return placement.peerHost(name);
        }

        @Override
        public InetSocketAddress clientAddress() {
            return new InetSocketAddress(FreePorts.loopback().getHostAddress(), port(portNames().get(0)));
        }

        /**
         * @return the address the cluster's processes reach this running node at directly (an engine that tells
         *         clients its nodes' addresses, such as Redis Sentinel, tells this one): 127.0.0.1 for a local
         *         process, its container's address on the cluster's network in containers, which this machine
         *         reaches too
         * @throws IllegalStateException if the node does not run
         */
        public String networkAddress() {
            NodeProcess p = currentProcess();
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name + " does not run");
            }
            return placement.networkAddress(p);
        }

        /** @return the node's data directory (kept across restarts, deleted when the cluster closes) */
        public Path dataDirectory() {
            return dataDirectory;
        }

        @Override
        public Path logFile() {
            return logFile;
        }

        @Override
        public NodeRole role() {
            NodeProcess p = currentProcess();
            if (p == null || !p.isAlive()) {
                return NodeRole.DOWN;
            }
            if (p.isFrozen()) {
                return NodeRole.FROZEN;
            }
            return askRole(this);
        }

        @Override
        public boolean isRunning() {
            NodeProcess p = currentProcess();
            return p != null && p.isAlive();
        }

        @Override
        public boolean isFrozen() {
            NodeProcess p = currentProcess();
            return p != null && p.isFrozen();
        }

        @Override
        public Optional<Long> pid() {
            NodeProcess p = currentProcess();
            return p != null && p.isAlive() ? p.pid() : Optional.empty();
        }

        @Override
        public void kill() {
            expectedRunning = false;
            NodeProcess p = currentProcess();
            if (p != null) {
                p.kill();
            }
        }

        @Override
        public void freeze() {
            NodeProcess p = currentProcess();
            if (p == null) {
                throw new IllegalStateException(name + " was never started");
            }
            p.freeze();
        }

        @Override
        public void thaw() {
            NodeProcess p = currentProcess();
            if (p != null) {
                p.thaw();
            }
        }

        @Override
        public void stop() {
            expectedRunning = false;
            NodeProcess p = currentProcess();
            if (p != null) {
                p.stop(Duration.ofSeconds(10));
            }
        }

        @Override
        public synchronized void start() {
            if (process != null && process.isAlive()) {
                throw new IllegalStateException(name + " is already running");
            }
            LocalProcess.Builder next = LocalProcessCluster.this.process(this, !started).logFile(logFile);
            if (process == null || !process.canRestartAs(next)) {
                if (process != null) {
                    process.close();
                }
                process = placement.process(name, next, port(portNames().get(0)), dataDirectory);
            }
            process.start();
            started = true;
            expectedRunning = true;
        }

        synchronized void closeProcess() {
            if (process != null) {
                process.close();
            }
        }

        @Override
        public synchronized NodeProcess currentProcess() {
            return process;
        }

        @Override
        public String toString() {
            return name + " " + clientAddress() + " " + (process == null ? "(not started)" : process.toString());
        }
    }
}
