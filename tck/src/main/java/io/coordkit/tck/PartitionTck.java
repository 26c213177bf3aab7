package io.coordkit.tck;

import io.coordkit.tck.failover.PartitionChecks;
import org.junit.jupiter.api.Nested;

import java.time.Duration;

/**
 * The partition tier: the partition checks (PRT-*), for a fixture whose cluster can cut links between its nodes and
 * between a client and a node (the launchers' container runtime). Where the cluster cannot make a partition, the
 * check that needs it is reported as not run, never passed. Records go to {@code target/failover/<fixture>.json}.
 *
 * <pre>{@code
 * class ZooKeeperContainerTckTest extends PartitionTck {
 *     @Override
 *     protected TckFixture newFixture() {
 *         return ClusterFixture.of(ZooKeeperFixtures.ensemble(NodeRuntime.containers()));
 *     }
 * }
 * }</pre>
 */
public abstract class PartitionTck extends AbstractTck {

    /** PRT-*. */
    @Nested
    class Partition extends PartitionChecks {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }

        @Override
        protected int stochasticRepetitions() {
            return PartitionTck.this.stochasticRepetitions();
        }

        @Override
        protected boolean skipStochasticTests() {
            return PartitionTck.this.skipStochasticTests();
        }

        @Override
        protected Duration recoveryBound() {
            return PartitionTck.this.recoveryBound();
        }
    }
}
