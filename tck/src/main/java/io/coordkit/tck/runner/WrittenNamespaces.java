package io.coordkit.tck.runner;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.tck.TckFixture;
import io.coordkit.testing.EngineCluster;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.UnaryOperator;

/**
 * The namespaces a run of the runner handed out on an engine it does not own ({@code --uri}), so that what the
 * suites wrote there can be removed at the end ({@link io.coordkit.EngineAdmin#deleteNamespace()}). Only these
 * are removed, never the whole {@code coordkit-tck/} tree, which another run may be using.
 */
final class WrittenNamespaces {

    private final Set<String> namespaces = new ConcurrentSkipListSet<>();

    /**
     * @param fixture a fixture
     * @return the same fixture, noting every namespace it is asked a URI for
     */
    TckFixture recording(TckFixture fixture) {
        return new TckFixture() {
            @Override
            public String name() {
                return fixture.name();
            }

            @Override
            public void start() throws Exception {
                namespaces.add(TckRunner.PROBE_NAMESPACE);
                fixture.start();
            }

            @Override
            public void stop() {
                fixture.stop();
            }

            @Override
            public String uri(String namespace) {
                namespaces.add(namespace);
                return fixture.uri(namespace);
            }

            @Override
            public Duration sessionTtl() {
                return fixture.sessionTtl();
            }

            @Override
            public Duration expiryBound() {
                return fixture.expiryBound();
            }

            @Override
            public Duration operationTimeout() {
                return fixture.operationTimeout();
            }

            @Override
            public Optional<EngineCluster> cluster() {
                return fixture.cluster();
            }

            @Override
            public Optional<String> uriVia(String namespace, UnaryOperator<InetSocketAddress> route) {
                namespaces.add(namespace);
                return fixture.uriVia(namespace, route);
            }

            @Override
            public String toString() {
                return fixture.toString();
            }
        };
    }

    /**
     * @param all namespaces
     * @return those not nested in another of them (removing a namespace removes those nested in it)
     */
    static List<String> outermost(Set<String> all) {
        List<String> result = new ArrayList<>();
        for (String ns : new TreeSet<>(all)) {
            if (result.stream().noneMatch(outer -> ns.startsWith(outer + "/"))) {
                result.add(ns);
            }
        }
        return result;
    }

    /**
     * Removes every namespace handed out, with the namespaces nested in them.
     *
     * @param fixture the fixture the URIs come from
     * @param out     where to say what was removed, or why not
     * @return true if everything was removed
     */
    boolean removeAll(TckFixture fixture, PrintStream out) {
        List<String> left = new ArrayList<>();
        List<String> todo = outermost(namespaces);
        String reason = null;
        for (String ns : todo) {
            try (Coordinator c = Coordinators.connect(fixture.uri(ns))) {
                c.admin().deleteNamespace();
            } catch (RuntimeException e) {
                left.add(ns);
                if (reason == null) {
                    reason = e.getMessage();
                }
            }
        }
        if (left.isEmpty()) {
            out.println("removed what the TCK wrote on the engine: " + todo.size() + " namespaces");
            return true;
        }
        out.println("could not remove " + left.size() + " of the " + todo.size() + " namespaces the TCK wrote ("
                + reason + "); left on the engine: " + (left.size() > 10 ? left.subList(0, 10) + " ..." : left));
        return false;
    }
}
