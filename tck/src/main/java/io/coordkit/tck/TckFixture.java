package io.coordkit.tck;

import io.coordkit.testing.EngineCluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a backend author supplies to run the TCK: how to start the engine, and how to connect to it.
 *
 * <p>The TCK calls {@link #start()} once before the tests of a class and {@link #stop()} once after them. Each test
 * opens coordinators through {@link TckClients}, in namespaces of its own (so tests never see each other), with
 * {@link #uri(String)}. See {@code tck/README.md} for a walk-through.
 *
 * <pre>{@code
 * public final class MyEngineFixture implements TckFixture {
 *     private final MyEngineCluster cluster = MyEngineCluster.of(3);   // an EngineCluster of coordkit-testing
 *     public String name() { return "myengine-3"; }
 *     public void start() { cluster.start(Duration.ofSeconds(60)); }
 *     public void stop() { cluster.close(); }
 *     public String uri(String ns) { return "myengine://" + cluster.connectString() + "/" + ns + "?sessionTtl=3s"; }
 *     public Duration sessionTtl() { return Duration.ofSeconds(3); }
 *     public Duration expiryBound() { return Duration.ofSeconds(3); }
 *     public Optional<EngineCluster> cluster() { return Optional.of(cluster); }
 * }
 * }</pre>
 */
public interface TckFixture {

    /** @return a short name for reports and file names, for example {@code zookeeper-ensemble} */
    String name();

    /**
     * Starts the engine (or checks that an external one answers). Called once per test class, before any test.
     *
     * @throws Exception if the engine cannot be started; every test of the class then fails with it
     */
    void start() throws Exception;

    /** Stops the engine and removes its data. Called once per test class, also after failures; must not throw. */
    void stop();

    /**
     * @param namespace a namespace (SPEC.md NAM-1) that no other test uses
     * @return a connection URI for that namespace whose session TTL is {@link #sessionTtl()}, for example
     *         {@code zookeeper://127.0.0.1:41234/tck-17?sessionTtl=3s}
     */
    String uri(String namespace);

    /** @return the session TTL the URIs of {@link #uri(String)} ask for; 2 to 4 seconds keeps the TCK fast */
    Duration sessionTtl();

    /**
     * @return B of SPEC.md: how much longer than the session TTL the engine may take to remove what a dead or frozen
     *         client held (so the TCK expects it gone within {@code sessionTtl() + expiryBound()})
     */
    Duration expiryBound();

    /** @return the operation timeout of the URIs of {@link #uri(String)} (the core's default is 5 s) */
    default Duration operationTimeout() {
        return Duration.ofSeconds(5);
    }

    /**
     * @return the engine's servers, when the fixture started them and can inject faults into them (kill, freeze,
     *         restart a node or the leader); empty for an engine the fixture does not control. The failover checks
     *         need a cluster of three nodes.
     */
    default Optional<EngineCluster> cluster() {
        return Optional.empty();
    }

    /**
     * A URI whose every engine endpoint is replaced by another address: the TCK passes a function that starts a
     * {@link io.coordkit.testing.fault.TcpProxy} to each endpoint and returns the proxy's address, so that it can cut
     * one client's connections. Return empty if clients of this engine cannot be routed that way (for example
     * because they discover other addresses by themselves); the tests that need it are then reported as not run.
     *
     * @param namespace a namespace
     * @param route     maps an engine endpoint to the address to use instead
     * @return the URI, or empty if not supported
     */
    default Optional<String> uriVia(String namespace, UnaryOperator<InetSocketAddress> route) {
        return Optional.empty();
    }
}
