package io.coordkit.tck.runner;

import io.coordkit.tck.ClusterTck;
import io.coordkit.tck.TckFixture;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The suites the runner executes: {@link ClusterTck}'s (the one list of suites), each taking its fixture from
 * {@link #use(Supplier)}, set by {@link TckRunner} before it launches them. Not meant for a backend's own test
 * sources (extend {@link io.coordkit.tck.BackendTck} or {@link ClusterTck} there).
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

    /** The runner's TCK: every suite, with the fixture {@link TckRunner} chose. */
    public static final class All extends ClusterTck {
        @Override
        protected TckFixture newFixture() {
            return fixture();
        }
    }

    /** @return every runner suite (the nested classes of {@link All}), in SPEC.md order */
    static List<Class<?>> all() {
        return List.copyOf(SpecRules.nestedSuites(All.class));
    }

    /**
     * @param suite one of {@link #all()}, or any other test class
     * @return the selector that runs it: a suite of {@link All} within an instance of {@code All}
     */
    static DiscoverySelector selector(Class<?> suite) {
        return all().contains(suite) ? DiscoverySelectors.selectNestedClass(List.of(All.class), suite)
                : DiscoverySelectors.selectClass(suite);
    }
}
