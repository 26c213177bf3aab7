package io.coordkit.tck.runner;

import io.coordkit.tck.BackendTck;
import io.coordkit.tck.ClusterTck;
import io.coordkit.tck.PartitionTck;
import io.coordkit.tck.TckFixture;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The suites the runner executes: those of the tier classes ({@link BackendTck}, {@link ClusterTck},
 * {@link PartitionTck}: the one list of suites), each suite once, each taking its fixture from {@link #use(Supplier)},
 * set by {@link TckRunner} before it launches them. Not meant for a backend's own test sources (extend the tier
 * classes there).
 */
public final class RunnerSuites {

    private static volatile Supplier<TckFixture> fixtures;

    private RunnerSuites() {
    }

    /** @param supplier makes a fresh fixture for each suite class */
    static void use(Supplier<TckFixture> supplier) {
        fixtures = Objects.requireNonNull(supplier);
    }

    static TckFixture fixture() {
        Supplier<TckFixture> s = fixtures;
        if (s == null) {
            throw new IllegalStateException("RunnerSuites run outside TckRunner: no fixture set");
        }
        return s.get();
    }

    /** The runner's rule suites, with the fixture {@link TckRunner} chose. */
    public static final class All extends BackendTck {
        @Override
        protected TckFixture newFixture() {
            return fixture();
        }
    }

    /** The runner's failover checks (its replicated rule suites are {@link All}'s). */
    public static final class Cluster extends ClusterTck {
        @Override
        protected TckFixture newFixture() {
            return fixture();
        }
    }

    /** The runner's partition checks. */
    public static final class Partitions extends PartitionTck {
        @Override
        protected TckFixture newFixture() {
            return fixture();
        }
    }

    private static final List<Class<?>> RUNNERS = List.of(All.class, Cluster.class, Partitions.class);

    /** @return every runner suite, each once, in SPEC.md order */
    static List<Class<?>> all() {
        Map<Class<?>, Class<?>> bySuite = new LinkedHashMap<>();
        for (Class<?> runner : RUNNERS) {
            for (Class<?> nested : SpecRules.nestedSuites(runner)) {
                bySuite.putIfAbsent(nested.getSuperclass(), nested);
            }
        }
        return SpecRules.SUITES.stream().map(bySuite::get).filter(Objects::nonNull).<Class<?>>map(c -> c).toList();
    }

    /**
     * @param suite one of {@link #all()}, or any other test class
     * @return the selector that runs it: a suite within an instance of the first runner class that has it
     */
    static DiscoverySelector selector(Class<?> suite) {
        for (Class<?> runner : RUNNERS) {
            if (SpecRules.nestedSuites(runner).contains(suite)) {
                return DiscoverySelectors.selectNestedClass(List.of(runner), suite);
            }
        }
        return DiscoverySelectors.selectClass(suite);
    }
}
