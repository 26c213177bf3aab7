package io.coordkit.tck;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;

import java.time.Duration;
import java.util.List;

/**
 * What every TCK class of a backend shares: the fixture it runs on and the knobs its suites read. A backend extends
 * one concrete tier class per setup, not this one:
 * <ul>
 *     <li>{@link BackendTck}: every rule suite, usually on a single node;</li>
 *     <li>{@link ClusterTck}: the rule suites whose outcome depends on replication ({@link ReplicatedTck}) and the
 *     failover checks, on a cluster of at least three nodes;</li>
 *     <li>{@link PartitionTck}: the partition checks, on a cluster whose launcher can cut links (containers).</li>
 * </ul>
 * Each suite is a nested class declared once, in the tier class it belongs to; every backend's test, the runner
 * ({@code io.coordkit.tck.runner.RunnerSuites}) and the check that the suites cover SPEC.md
 * ({@code io.coordkit.tck.runner.SpecRules}) read the suites from these classes. JUnit runs each suite with a fixture
 * of its own, started before its first test and stopped after its last; {@link DisplayNames} names each after the
 * backend's class ({@code io.coordkit.zookeeper.tck.ZooKeeperEnsembleTckTest Lock}), and the parent pom has surefire
 * use that name as the test case's class name, so that reports tell the fixtures apart.
 */
@DisplayNameGeneration(AbstractTck.DisplayNames.class)
public abstract class AbstractTck {

    /**
     * @return a new, unstarted fixture; called once per suite, which starts it before its first test and stops it
     *         after its last
     */
    protected abstract TckFixture newFixture();

    /** @return how many times each stochastic test repeats its race, in every suite (default 3) */
    protected int stochasticRepetitions() {
        return 3;
    }

    /** @return true to abort every stochastic test of every suite (reported as not run) */
    protected boolean skipStochasticTests() {
        return false;
    }

    /** @return how long FOV-4 keeps the engine's leader frozen (default 8 s) */
    protected Duration leaderFreeze() {
        return Duration.ofSeconds(8);
    }

    /** @return how long an engine may take to serve again after a fault or a healed partition (default 30 s) */
    protected Duration recoveryBound() {
        return Duration.ofSeconds(30);
    }

    /** Names a backend's TCK class by its full name and each suite by its own (as surefire's reports show them). */
    public static class DisplayNames extends DisplayNameGenerator.Standard {
        /** Called by JUnit. */
        public DisplayNames() {
        }

        @Override
        public String generateDisplayNameForClass(Class<?> testClass) {
            return testClass.getName();
        }

        @Override
        public String generateDisplayNameForNestedClass(List<Class<?>> enclosingInstanceTypes, Class<?> nestedClass) {
            return nestedClass.getSimpleName();
        }
    }
}
