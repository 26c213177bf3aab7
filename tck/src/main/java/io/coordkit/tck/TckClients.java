package io.coordkit.tck;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.testing.actor.Actor;
import io.coordkit.testing.fault.TcpProxy;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The coordinators, proxies and actors of one test. Each test gets a fresh namespace ({@link #namespace()}) that no
 * other test uses, so tests never see each other's keys, locks, registrations or elections. {@link #close()} (called
 * after each test by the suites) closes everything opened here, in reverse order, also when the test failed.
 */
public final class TckClients implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final TckFixture fixture;
    private final String namespace;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /**
     * @param fixture the started fixture
     * @param label   a hint for the namespace (for example the test's name); shortened and cleaned
     */
    public TckClients(TckFixture fixture, String label) {
        this.fixture = Objects.requireNonNull(fixture, "fixture");
        this.namespace = newNamespace(label);
    }

    /** @return the fixture */
    public TckFixture fixture() {
        return fixture;
    }

    /** @return this test's namespace */
    public String namespace() {
        return namespace;
    }

    /**
     * @param label a hint
     * @return a new namespace that no test uses, {@code coordkit-tck/<label>-<n>-<random>}
     */
    public static String newNamespace(String label) {
        String clean = label == null ? "t" : label.replaceAll("[^A-Za-z0-9._-]", "");
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        if (clean.isEmpty() || clean.equals(".") || clean.equals("..")) {
            clean = "t";
        }
        return "coordkit-tck/" + clean + "-" + SEQUENCE.incrementAndGet() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    }

    /** @return this test's URI (its namespace, the fixture's TTL) */
    public String uri() {
        return fixture.uri(namespace);
    }

    /** @return a new coordinator in this test's namespace, closed after the test */
    public Coordinator open() {
        return open(namespace);
    }

    /**
     * @param ns a namespace
     * @return a new coordinator in that namespace, closed after the test
     */
    public Coordinator open(String ns) {
        return track(Coordinators.connect(fixture.uri(ns)));
    }

    /**
     * @param customizer sets options on the builder (they win over the URI's)
     * @return a new coordinator in this test's namespace, closed after the test
     */
    public Coordinator open(UnaryOperator<Coordinators.Builder> customizer) {
        return track(customizer.apply(Coordinators.builder(uri())).connect());
    }

    /**
     * Opens a coordinator whose connections go through proxies that the test can cut.
     *
     * @param customizer sets options on the builder
     * @return the connection
     * @throws org.opentest4j.TestAbortedException if the fixture cannot route clients through proxies
     */
    public ProxiedConnection openProxied(UnaryOperator<Coordinators.Builder> customizer) {
        List<TcpProxy> proxies = new ArrayList<>();
        String viaUri = fixture.uriVia(namespace, target -> {
            TcpProxy proxy = track(TcpProxy.start(target));
            proxies.add(proxy);
            return proxy.address();
        }).orElseThrow(() -> new org.opentest4j.TestAbortedException(
                "NEEDS FIXTURE: a fixture whose clients can be routed through a TCP proxy (TckFixture.uriVia); "
                        + fixture.name() + " offers none (its clients may learn engine addresses from the engine "
                        + "itself, as from Redis Sentinels, which a proxy of the URI's hosts would not cover)"));
        Coordinator c = track(customizer.apply(Coordinators.builder(viaUri)).connect());
        return new ProxiedConnection(c, proxies);
    }

    /** @return a coordinator in this test's namespace whose connections the test can cut */
    public ProxiedConnection openProxied() {
        return openProxied(UnaryOperator.identity());
    }

    /**
     * Starts a proxy to one engine endpoint, closed after the test.
     *
     * @param target the endpoint
     * @return the proxy
     */
    public TcpProxy proxy(InetSocketAddress target) {
        return track(TcpProxy.start(target));
    }

    /**
     * Starts a client in a child JVM, connected to this test's namespace; killed after the test.
     *
     * @param name a short name
     * @return the connected actor
     */
    public Actor actor(String name) {
        Actor a = track(Actor.start(name));
        a.connect(uri());
        return a;
    }

    /**
     * Closes something after the test, before what was opened earlier.
     *
     * @param resource the resource
     * @param <T>      its type
     * @return the resource
     */
    public synchronized <T extends AutoCloseable> T track(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Closes every coordinator, proxy and actor of the test, newest first; failures are printed, not thrown. */
    @Override
    public synchronized void close() {
        while (!opened.isEmpty()) {
            AutoCloseable c = opened.pop();
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("[coordkit-tck] closing " + c + " failed: " + e);
            }
        }
    }
}
