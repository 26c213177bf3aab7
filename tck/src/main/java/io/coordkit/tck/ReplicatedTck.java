package io.coordkit.tck;

import io.coordkit.tck.rules.ConfigRules;
import io.coordkit.tck.rules.ElectionRules;
import io.coordkit.tck.rules.HealthRules;
import io.coordkit.tck.rules.LockRules;
import io.coordkit.tck.rules.SessionRules;
import org.junit.jupiter.api.Nested;

/**
 * The rule suites whose outcome depends on how the engine replicates: sessions, locks, config, elections and health.
 * They run on every setup of a backend, a single node ({@link BackendTck}) and a cluster ({@link ClusterTck}) alike;
 * the suites that do not depend on it (URI, names, registry, SPI) run once, in {@link BackendTck}. Not extended by
 * backends directly.
 */
public abstract class ReplicatedTck extends AbstractTck {

    ReplicatedTck() {
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
            return ReplicatedTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return ReplicatedTck.this.skipStochasticTests();
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
            return ReplicatedTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return ReplicatedTck.this.skipStochasticTests();
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
            return ReplicatedTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return ReplicatedTck.this.skipStochasticTests();
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
            return ReplicatedTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return ReplicatedTck.this.skipStochasticTests();
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
            return ReplicatedTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return ReplicatedTck.this.skipStochasticTests();
        }
    }
}
