package io.coordkit.zookeeper;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.zookeeper.embedded.EmbeddedZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ZkAdmin} through the API ({@code Coordinator.admin()}), on a real in-process ZooKeeper. */
class ZkAdminTest {

    private static EmbeddedZooKeeper zk;

    @BeforeAll
    static void start() {
        zk = new EmbeddedZooKeeper().start();
    }

    @AfterAll
    static void stop() {
        zk.close();
    }

    private static final LeadershipListener QUIET = new LeadershipListener() {
        @Override
        public void elected(LeaderInfo leadership) {
        }

        @Override
        public void revoked(RevocationReason reason) {
        }
    };

    @Test
    void listsTheServicesLocksAndElectionsInUseInItsNamespaceOnly() {
        try (Coordinator c = Coordinators.connect(zk.uri("admin-a"));
             Coordinator other = Coordinators.connect(zk.uri("admin-a/inner"))) {
            c.registry().register("orders", ServiceInstance.of("o-1", "h:1"));
            c.registry().register("shop/payments", ServiceInstance.of("p-1", "h:2"));
            c.registry().register("shop", ServiceInstance.of("s-1", "h:3"));
            other.registry().register("elsewhere", ServiceInstance.of("e-1", "h:4"));
            try (LockLease a = c.locks().lock("jobs/nightly").acquire(Duration.ofSeconds(5));
                 LockLease b = c.locks().semaphore("pool", 2).acquire(Duration.ofSeconds(5));
                 LockLease gone = c.locks().lock("released").acquire(Duration.ofSeconds(5))) {
                gone.close();
                c.elections().election("billing").join("c-1", Map.of(), QUIET);
                assertThat(c.admin().services()).containsExactly("orders", "shop", "shop/payments");
                assertThat(c.admin().locks()).containsExactly("jobs/nightly", "pool");
                assertThat(c.admin().elections()).containsExactly("billing");
                assertThat(other.admin().services()).containsExactly("elsewhere");
                assertThat(other.admin().locks()).isEmpty();
            }
        }
    }

    @Test
    void listsNamespacesAndRemovesOneWithTheNamespacesNestedInIt() {
        try (Coordinator a = Coordinators.connect(zk.uri("rm/a"));
             Coordinator nested = Coordinators.connect(zk.uri("rm/a/config"));
             Coordinator sibling = Coordinators.connect(zk.uri("rm/ab"))) {
            a.config().put("k", "1");
            a.config().put("deep/er/key", "2");
            a.config().delete("k");
            nested.config().put("k", "3");
            sibling.config().put("k", "4");
            assertThat(a.admin().namespaces()).contains("rm/a", "rm/a/config", "rm/ab");

            a.admin().deleteNamespace();

            assertThat(a.config().list("")).isEmpty();
            assertThat(nested.config().get("k")).isEmpty();
            assertThat(sibling.config().get("k")).map(v -> new String(v.value())).contains("4");
            assertThat(a.admin().namespaces()).contains("rm/ab").doesNotContain("rm/a", "rm/a/config");
            // the namespace can be used again, afresh
            assertThat(a.config().put("k", "5")).isNotNegative();
            assertThat(a.config().getString("k")).map(v -> v.value()).isEqualTo(Optional.of("5"));
        }
    }
}
