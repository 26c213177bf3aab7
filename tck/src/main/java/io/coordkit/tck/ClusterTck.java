package io.coordkit.tck;

import io.coordkit.tck.failover.FailoverChecks;
import org.junit.jupiter.api.Nested;

import java.time.Duration;

/**
 * The 3-node tier: the rule suites of {@link ReplicatedTck} and the failover checks (FOV-1 to FOV-5, LCK-12), for a
 * fixture with an {@code EngineCluster} of at least three nodes; with any other fixture the failover checks are
 * reported as not run. The checks record their timings in {@code target/failover/<fixture>.json}.
 *
 * <pre>{@code
 * class ZooKeeperEnsembleTckTest extends ClusterTck {
 *     @Override
 *     protected TckFixture newFixture() {
 *         return ClusterFixture.of(ZooKeeperFixtures.ensemble());
 *     }
 * }
 * }</pre>
 */
public abstract class ClusterTck extends ReplicatedTck {

    /** FOV-* and LCK-12. */
    @Nested
    class Failover extends FailoverChecks {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return ClusterTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return ClusterTck.this.skipStochasticTests();
        }

        @Override
        protected Duration recoveryBound() {
            return ClusterTck.this.recoveryBound();
        }

        @Override
        protected Duration leaderFreeze() {
            return ClusterTck.this.leaderFreeze();
        }
    }
}
