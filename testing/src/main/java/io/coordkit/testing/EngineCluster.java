package io.coordkit.testing;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A set of engine servers the TCK started and can inject faults into: kill, freeze, thaw and restart a node or the
 * current leader, stop and start the whole cluster. Implementations: {@link io.coordkit.testing.zookeeper.ZooKeeperCluster} (single node or ensemble); the interface is written so that an etcd cluster (members of the
 * {@code etcd} binary), a Redis setup (master, replicas and Sentinels, the master being the "leader") and a
 * Hazelcast cluster (members in child JVMs, the CP group leader being the "leader") fit it too; see
 * {@link LocalProcessCluster}.
 *
 * <p>An engine's clients may connect through {@link #clientEndpoints()}; an engine whose clients discover other
 * addresses by themselves (Redis Sentinel, Hazelcast) says so in its fixture.
 */
public interface EngineCluster extends AutoCloseable {

    /** @return the engine's name, for example {@code zookeeper} */
    String engine();

    /** @return every node, running or not, in index order */
    List<EngineNode> nodes();

    /**
     * @param index the 1-based index
     * @return that node
     */
    default EngineNode node(int index) {
        return nodes().get(index - 1);
    }

    /**
     * Starts every node that is not running and waits until the cluster serves clients.
     *
     * @param timeout how long to wait
     * @throws IllegalStateException if it does not serve in time (the message includes the nodes' log tails)
     */
    void start(Duration timeout);

    /** Stops every node gracefully; data stays, so {@link #start(Duration)} brings the same cluster back. */
    void stop();

    /**
     * Asks the running nodes who leads now.
     *
     * @return the leader (the single node of a one-node cluster), or empty if no node reports leading now
     */
    Optional<EngineNode> leader();

    /**
     * @param timeout how long to wait
     * @return the leader once one reports leading
     * @throws IllegalStateException if none does in time
     */
    EngineNode awaitLeader(Duration timeout);

    /**
     * Waits until every running, unfrozen node serves clients and a leader exists.
     *
     * @param timeout how long to wait
     * @throws IllegalStateException if that does not happen in time
     */
    void awaitServing(Duration timeout);

    /**
     * @return network partitions between the nodes and between nodes and clients, where the cluster's runtime can
     *         make them (containers); empty where it cannot (local processes)
     */
    default Optional<Partitions> partitions() {
        return Optional.empty();
    }

    /** @return the client endpoints of every node, in index order */
    default List<InetSocketAddress> clientEndpoints() {
        return nodes().stream().map(EngineNode::clientAddress).collect(Collectors.toList());
    }

    /** @return the client endpoints as {@code host:port,host:port,...} */
    default String connectString() {
        return clientEndpoints().stream().map(a -> a.getHostString() + ":" + a.getPort())
                .collect(Collectors.joining(","));
    }

    /**
     * A host list for a client whose every connection goes where {@code route} says, for example through a
     * {@link io.coordkit.testing.fault.TcpProxy} per endpoint so that a test can cut one client from some nodes. By
     * default the client endpoints, each routed. A cluster whose clients learn node addresses from the engine (Redis
     * Sentinels name the master) routes those too, or leaves this to the default and says in its fixture that its
     * clients cannot be proxied.
     *
     * @param route maps an endpoint (a client endpoint, or a node's {@link EngineNode#clientAddress()}) to the
     *              address the client must use instead; called once per endpoint
     * @return the host list, {@code host:port,...}, to put in the client's URI
     */
    default String connectStringVia(UnaryOperator<InetSocketAddress> route) {
        return clientEndpoints().stream().map(route).map(a -> a.getHostString() + ":" + a.getPort())
                .collect(Collectors.joining(","));
    }

    /** @return a multi-line description of every node's state and role, for failure messages */
    default String describe() {
        StringBuilder sb = new StringBuilder(engine()).append(" cluster:");
        for (EngineNode n : nodes()) {
            sb.append("\n  ").append(n.name()).append(' ').append(n.clientAddress()).append(' ').append(n.role())
                    .append(n.pid().map(p -> " pid " + p).orElse(""));
        }
        return sb.toString();
    }

    /** Stops every node and deletes the cluster's data. Idempotent. */
    @Override
    void close();
}
