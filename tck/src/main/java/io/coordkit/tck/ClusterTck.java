package io.coordkit.tck;

import io.coordkit.tck.failover.FailoverChecks;
import org.junit.jupiter.api.Nested;

import java.time.Duration;

/**
 * {@link BackendTck}'s rule suites plus the failover checks (FOV-1 to FOV-5, LCK-12), for a fixture with an
 * {@code EngineCluster} of at least three nodes; with any other fixture the failover checks
 * are reported as not run. The checks record their timings in {@code target/failover/<fixture>.json}.
 *
 * <pre>{@code
 * class ZooKeeperEnsembleTckTest extends ClusterTck {
 *     @Override
 *     protected TckFixture newFixture() {
 *         return ZooKeeperFixtures.ensemble();
 *     }
 * }
 * }</pre>
 */
public abstract class ClusterTck extends BackendTck {

    /** @return how long FOV-4 keeps the engine's leader frozen (default 8 s) */
    protected Duration leaderFreeze() {
        return Duration.ofSeconds(8);
    }

    /** @return how long an engine may take to serve again after a fault, at most (default 30 s) */
    protected Duration recoveryBound() {
        return Duration.ofSeconds(30);
    }

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
        protected Duration leaderFreeze() {
            return ClusterTck.this.leaderFreeze();
        }

        @Override
        protected Duration recoveryBound() {
            return ClusterTck.this.recoveryBound();
        }
    }
}
