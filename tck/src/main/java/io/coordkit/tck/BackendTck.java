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
import org.junit.jupiter.api.Nested;

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
 * checks ({@code required_LCK_2_...}), in the runner's table and in surefire's reports alike.
 *
 * <p><b>The one list of suites.</b> A new suite is added here (or in {@link ClusterTck} if it needs a cluster), as
 * one more nested class: every backend's TCK test, the runner ({@code io.coordkit.tck.runner.RunnerSuites}) and the
 * check that the suites cover SPEC.md ({@code io.coordkit.tck.runner.SpecRules}) read the suites from these
 * classes.
 */
public abstract class BackendTck {

    /**
     * @return a new, unstarted fixture; called once per suite, which starts it before its first test and stops it
     *         after its last
     */
    protected abstract TckFixture newFixture();

    /** URI-*. */
    @Nested
    class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** NAM-*. */
    @Nested
    class Name extends NameRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** SES-*. */
    @Nested
    class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** REG-*. */
    @Nested
    class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** LCK-* (but LCK-12, a failover check). */
    @Nested
    class Lock extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** CFG-*. */
    @Nested
    class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** ELE-*. */
    @Nested
    class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** HLT-*. */
    @Nested
    class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** SPI-*. */
    @Nested
    class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }
}
