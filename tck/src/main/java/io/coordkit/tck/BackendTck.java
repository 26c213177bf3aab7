package io.coordkit.tck;

import io.coordkit.tck.rules.AdminRules;
import io.coordkit.tck.rules.NameRules;
import io.coordkit.tck.rules.RegistryRules;
import io.coordkit.tck.rules.SpiRules;
import io.coordkit.tck.rules.UriRules;
import org.junit.jupiter.api.Nested;

/**
 * Every rule suite of the TCK against one backend: those of {@link ReplicatedTck} and the ones that do not depend on
 * replication (URI, names, registry, SPI, admin). A backend's TCK test is a few lines: extend this class in its test
 * sources and say which fixture to use.
 *
 * <pre>{@code
 * class EtcdSingleMemberTckTest extends BackendTck {
 *     @Override
 *     protected TckFixture newFixture() {
 *         return ClusterFixture.of(EtcdFixtures.singleMember());
 *     }
 * }
 * }</pre>
 *
 * <b>Adding a suite</b> is one nested class, here (or in {@link ReplicatedTck} if a cluster can change its outcome,
 * {@link ClusterTck} for a failover check, {@link PartitionTck} for a partition check); nothing else lists suites.
 */
public abstract class BackendTck extends ReplicatedTck {

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

    /** ADM-*. */
    @Nested
    class Admin extends AdminRules {
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
