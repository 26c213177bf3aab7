package io.coordkit.tck;

import io.coordkit.tck.rules.ConfigRules;
import io.coordkit.tck.rules.ElectionRules;
import io.coordkit.tck.rules.HealthRules;
import io.coordkit.tck.rules.LockRules;
import io.coordkit.tck.rules.NameRules;
import io.coordkit.tck.rules.RegistryRules;
import io.coordkit.tck.rules.SessionRules;
import io.coordkit.tck.rules.SpiRules;
import io.coordkit.tck.rules.UriRules;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;

import java.util.List;

/**
 * Every rule suite of the TCK against one backend. A backend's TCK test is a few lines: extend this class (or
 * {@link ClusterTck}, which adds the failover checks) in its test sources and say which fixture to use.
 *
 * <pre>{@code
 * class EtcdSingleNodeTckTest extends BackendTck {
 *     @Override
 *     protected TckFixture newFixture() {
 *         return EtcdFixtures.singleNode();
 *     }
 * }
 * }</pre>
 *
 * JUnit runs each suite as a nested class named after it ({@code Lock} runs {@link LockRules}), with a fixture of
 * its own, started before the suite's first test and stopped after its last; every test is named after the rule it
 * checks ({@code required_LCK_2_...}), in the runner's table and in surefire's reports alike. The suites are
 * inherited, so they are the same classes for every backend; {@link DisplayNames} names each after the backend's
 * class ({@code io.coordkit.zookeeper.tck.ZooKeeperEnsembleTckTest Lock}), and the parent pom has surefire use that
 * name as the test case's class name, so that reports tell the fixtures apart.
 *
 * <p><b>The one list of suites.</b> A new suite is added here (or in {@link ClusterTck} if it needs a cluster), as
 * one more nested class: every backend's TCK test, the runner ({@code io.coordkit.tck.runner.RunnerSuites}) and the
 * check that the suites cover SPEC.md ({@code io.coordkit.tck.runner.SpecRules}) read the suites from these
 * classes.
 */
@DisplayNameGeneration(BackendTck.DisplayNames.class)
public abstract class BackendTck {

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

    /** URI-*. */
    @Nested
    class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }

    /** NAM-*. */
    @Nested
    class Name extends NameRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }

    /** SES-*. */
    @Nested
    class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }

    /** REG-*. */
    @Nested
    class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }

    /** LCK-* (but LCK-12, a failover check). */
    @Nested
    class Lock extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }

    /** CFG-*. */
    @Nested
    class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }

    /** ELE-*. */
    @Nested
    class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }

    /** HLT-*. */
    @Nested
    class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }

    /** SPI-*. */
    @Nested
    class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return BackendTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return BackendTck.this.skipStochasticTests();
        }
    }
}
