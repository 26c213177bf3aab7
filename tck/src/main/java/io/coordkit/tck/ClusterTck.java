package io.coordkit.tck;

import io.coordkit.tck.failover.FailoverChecks;
import org.junit.jupiter.api.Nested;

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

    /** FOV-* and LCK-12. */
    @Nested
    class Failover extends FailoverChecks {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }
}
