package io.coordkit.example;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.Subscription;
import io.coordkit.config.Versioned;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.SelectionStrategy;
import io.coordkit.registry.ServiceInstance;

import java.time.Duration;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

public class ShortExample {
    public static void main(String[] args) throws InterruptedException {
        String uri = System.getenv().getOrDefault("COORDKIT_URI", "zookeeper://127.0.0.1:2181/shop?sessionTtl=5s");
        try (Coordinator c = Coordinators.connect(uri)) {

            // 1. naming: registered while this process lives; the engine removes them if the process dies
            c.registry().register("orders", ServiceInstance.of("orders-1", "10.0.0.7:8080"));
            c.registry().register("orders", ServiceInstance.of("orders-2", "10.0.0.8:8080"));
            SelectionStrategy roundRobin = SelectionStrategy.roundRobin(); // keep it: it remembers where it was
            for (int call = 1; call <= 3; call++) {
                System.out.println("call " + call + " goes to " + c.registry().choose("orders", roundRobin)
                        .map(ServiceInstance::address).orElse("nobody"));
            }

            // 2. locks: one holder at a time; the fencing token lets the resource refuse a holder that paused
            try (LockLease lease = c.locks().lock("orders/42").acquire(Duration.ofSeconds(5))) {
                System.out.println("order 42 written with fencing token " + lease.fencingToken());
            }

            // 3. configuration: versions, compare-and-set, and changes delivered in commit order
            Subscription watch = c.config().watch("limits", event -> System.out.println("watch: " + event));
            c.config().putIfAbsent("limits/rate", "100".getBytes(UTF_8)); // the default, on a fresh engine
            Versioned<String> limit = c.config().getString("limits/rate").orElseThrow();
            long version = c.config().compareAndSet("limits/rate", limit.version(), "200".getBytes(UTF_8));
            System.out.println("limits/rate " + limit.value() + " -> 200, version " + limit.version() + " -> "
                    + version);

            // 4. leader election: one leader at a time, with a term that only grows
            Candidate candidate = c.elections().election("billing").join("orders-1", Map.of("addr", "10.0.0.7"),
                    new LeadershipListener() {
                        public void elected(LeaderInfo leadership) {
                            System.out.println("billing starts in term " + leadership.term());
                        }

                        public void revoked(RevocationReason reason) {
                            System.out.println("billing stops: " + reason);
                        }
                    });
            if (candidate.awaitLeadership(Duration.ofSeconds(10))) {
                System.out.println("orders-1 leads billing in term " + candidate.leadership().orElseThrow().term());
            }
            watch.close();
        } // closing the coordinator ends its session: registrations, candidacy and watches go with it
    }
}
