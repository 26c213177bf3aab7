package io.coordkit.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where one cluster's nodes run, as {@link NodeRuntime#place} chose: the addresses they use and how they start. */
interface Placement extends AutoCloseable {

    /** @return the address a node's server binds its ports to */
    String listenHost();

    /**
     * @param nodeName a node of the cluster
     * @return the host other nodes of the cluster reach it by
     */
    String peerHost(String nodeName);

    /**
     * @param prefix a short name
     * @return a new data directory that a node of this placement can use at the same path
     */
    Path newDataDirectory(String prefix);

    /**
     * @param nodeName   the node
     * @param process    its command line, environment and log file, as for a local process
     * @param clientPort the port clients on this machine use (published on 127.0.0.1 by a container)
     * @param dataDir    the node's data directory (writable for the node)
     * @return the node's process, not started
     */
    NodeProcess process(String nodeName, LocalProcess.Builder process, int clientPort, Path dataDir);

    /**
     * @param process a running process of this placement
     * @return the address other processes of the cluster, and this machine, reach it at directly: 127.0.0.1 for a
     *         local process, the container's address on the cluster's network for a container
     */
    String networkAddress(NodeProcess process);

    /**
     * @param nodes the cluster's nodes and their processes
     * @return the network faults this placement can inject, if any
     */
    Optional<Partitions> partitions(List<? extends PlacedNode> nodes);

    /** Frees what the placement holds (a container network). Never throws. */
    @Override
    void close();

    /** A node as a placement sees it. */
    interface PlacedNode extends EngineNode {
        /** @return the current process, or null before the first start */
        NodeProcess currentProcess();
    }
}
