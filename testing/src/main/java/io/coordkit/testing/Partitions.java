package io.coordkit.testing;

/**
 * Network partitions of an {@link EngineCluster}, where its runtime can make them ({@link EngineCluster#partitions()};
 * the container runtime can, local processes cannot). Every cut drops packets both ways, so connections time out
 * instead of failing fast, as in a real partition. A node that restarts comes back without cuts.
 *
 * <p>To cut one client (not every client) from some nodes, route that client through a
 * {@link io.coordkit.testing.fault.TcpProxy} per node endpoint and blackhole the proxies of those nodes; that works
 * in every runtime.
 */
public interface Partitions {

    /**
     * Cuts two nodes from each other.
     *
     * @param a a node
     * @param b another node
     */
    void cut(EngineNode a, EngineNode b);

    /**
     * Cuts a node from every other node of the cluster; clients still reach it.
     *
     * @param node the node
     */
    void isolateFromPeers(EngineNode node);

    /**
     * Cuts a node from every client on this machine (the test JVM and its child JVMs); the other nodes still reach it.
     *
     * @param node the node
     */
    void cutFromClients(EngineNode node);

    /**
     * Cuts a node from everything: the other nodes and every client.
     *
     * @param node the node
     */
    default void isolate(EngineNode node) {
        isolateFromPeers(node);
        cutFromClients(node);
    }

    /** Removes every cut. */
    void healAll();

    /** @return the cuts in place now, for messages and records */
    String describe();
}
