package io.coordkit.tck.failover;

import io.coordkit.Capability;
import io.coordkit.Coordinator;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.testing.actor.Actor;
import io.coordkit.tck.check.CheckResult;
import io.coordkit.tck.check.FencedResource;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LeadershipChecker;
import io.coordkit.tck.check.LeadershipChecker.Leadership;
import io.coordkit.tck.check.MutualExclusionChecker;
import io.coordkit.tck.check.MutualExclusionChecker.Lease;
import io.coordkit.tck.workload.LeadershipRecorder;
import io.coordkit.tck.rules.TckSuite;
import io.coordkit.testing.EngineCluster;
import io.coordkit.testing.EngineNode;
import io.coordkit.tck.workload.LockWorkload;
import io.coordkit.tck.workload.ElectionWorkload;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover checks FOV-1 to FOV-5 and LCK-12: client crashes and freezes, and faults of the engine's own leader,
 * with the safety the backend claims asserted and the timings recorded in {@code target/failover/<fixture>.json}.
 * Needs a fixture with a {@link EngineCluster} of at least three nodes; otherwise every check is reported as not run.
 * Extend it and implement {@link #createFixture()}.
 */
public abstract class FailoverChecks extends EngineFaultSuite {

    /** How long FOV-4 keeps the engine's leader frozen. */
    protected Duration leaderFreeze() {
        return Duration.ofSeconds(8);
    }

    @Test
    public void required_FOV_1_clientCrashWhileHoldingLeadingAndRegistered() throws Exception {
        cluster();
        Coordinator observer = open();
        FailoverRecord r = record("FOV-1 client crash (kill -9)", "FOV-1", observer);
        run(r, () -> {
            Actor actor = clients().actor("fov1");
            long token = actor.lock("fov1", operationTimeout());
            actor.elect("fov1", "actor");
            long term = actor.awaitElected("fov1", operationTimeout());
            actor.register("fov1", "actor", "127.0.0.1:1");
            CompletableFuture<LockLease> waiter = observer.locks().lock("fov1").acquireAsync(Duration.ofSeconds(60));
            List<LeaderInfo> elected = new CopyOnWriteArrayList<>();
            Candidate candidate = observer.elections().election("fov1").join("observer", Map.of(), listener(elected));
            await("REG-1").until(() -> observer.registry().instances("fov1").size() == 1);
            long t0 = System.nanoTime();
            actor.kill();
            Duration limit = expiry().plusSeconds(5);
            long lockMs = timeUntil(t0, limit, waiter::isDone);
            long leaderMs = timeUntil(t0, limit, candidate::isLeader);
            long goneMs = timeUntil(t0, limit, () -> observer.registry().instances("fov1").isEmpty());
            r.timing("lockAcquiredByWaiterMs", lockMs);
            r.timing("otherCandidateElectedMs", leaderMs);
            r.timing("instanceGoneMs", goneMs);
            for (long t : new long[] {lockMs, leaderMs, goneMs}) {
                assertThat(t).as("FOV-1: lock, leadership and registration of a crashed client lost within TTL + B "
                        + "= %s; measured %s", expiry(), r.timingsMs).isBetween(0L, expiry().toNanos());
            }
            long newToken = waiter.join().fencingToken();
            if (newToken <= token) {
                r.violations.add("LCK-4: token " + newToken + " after the crashed holder's " + token);
            }
            long newTerm = candidate.leadership().map(LeaderInfo::term).orElse(-1L);
            if (newTerm <= term) {
                r.violations.add("ELE-3: term " + newTerm + " after the crashed leader's " + term);
            }
        });
    }

    @Test
    public void required_FOV_2_clientFrozenPastTtlIsFencedOffWhenItResumes() throws Exception {
        cluster();
        Coordinator observer = open();
        FailoverRecord r = record("FOV-2 client frozen past TTL (SIGSTOP)", "FOV-2", observer);
        run(r, () -> {
            FencedResource resource = new FencedResource("fov2 store");
            Actor actor = clients().actor("fov2");
            long oldToken = actor.lock("fov2", operationTimeout());
            actor.elect("fov2", "actor");
            long oldTerm = actor.awaitElected("fov2", operationTimeout());
            assertThat(resource.write("actor", oldToken, "before").accepted()).isTrue();
            CompletableFuture<LockLease> waiter = observer.locks().lock("fov2").acquireAsync(Duration.ofSeconds(60));
            List<LeaderInfo> elected = new CopyOnWriteArrayList<>();
            Candidate candidate = observer.elections().election("fov2").join("observer", Map.of(), listener(elected));
            long t0 = System.nanoTime();
            actor.freeze();
            try {
                Duration limit = expiry().plusSeconds(5);
                r.timing("lockAcquiredByWaiterMs", timeUntil(t0, limit, waiter::isDone));
                r.timing("otherCandidateElectedMs", timeUntil(t0, limit, candidate::isLeader));
                assertThat(waiter).as("FOV-2: lock of a frozen holder acquired by another within TTL + B (%s)",
                        r.timingsMs).isDone();
                assertThat(candidate.isLeader()).as("FOV-2: another candidate leads within TTL + B (%s)",
                        r.timingsMs).isTrue();
                LockLease newLease = waiter.join();
                assertThat(resource.write("observer", newLease.fencingToken(), "new holder").accepted())
                        .as("FOV-2: the new holder's write with token %d", newLease.fencingToken()).isTrue();
            } finally {
                actor.thaw();
            }
            long resumed = System.nanoTime();
            Optional<String> lost = actor.awaitEvent(e -> e.equals("lease fov2 LOST"), expiry().plus(operationTimeout()));
            Optional<String> revoked = actor.awaitEvent(e -> e.startsWith("revoked fov2"), expiry()
                    .plus(operationTimeout()));
            r.timing("resumedClientToldLeaseLostMs", lost.isPresent() ? System.nanoTime() - resumed : -1);
            r.note("actor events after resuming: " + actor.events());
            assertThat(lost).as("FOV-2: the resumed client's lease reports LOST; events %s", actor.events())
                    .isPresent();
            assertThat(revoked).as("FOV-2: the resumed client's candidacy is revoked; events %s", actor.events())
                    .isPresent();
            long lateToken = actor.writeToken("fov2", "late");
            FencedResource.Write late = resource.write("actor", lateToken, "late write");
            r.note("late write of the resumed client (time from the freeze): " + late.describe(t0));
            assertThat(late.accepted()).as("FOV-2: a write with the old token %d after the new holder's is refused by "
                    + "the fenced resource", lateToken).isFalse();
            long newTerm = candidate.leadership().map(LeaderInfo::term).orElse(-1L);
            if (newTerm <= oldTerm) {
                r.violations.add("ELE-3: term " + newTerm + " after the frozen leader's " + oldTerm);
            }
        });
    }

    /**
     * @return true if the backend claims FENCING_SURVIVES_FAILOVER: then LCK-2, LCK-4, ELE-2 and ELE-3 violations
     *         during an engine failover fail FOV-3 and FOV-4; otherwise (an engine that replicates asynchronously)
     *         they are recorded as observations in the failover report
     */
    private boolean claimsFencingAcrossFailover() {
        try (Coordinator c = open()) {
            return c.capabilities().contains(Capability.FENCING_SURVIVES_FAILOVER);
        }
    }

    @Test
    public void required_FOV_3_engineLeaderKilled() throws Exception {
        EngineCluster cluster = cluster();
        engineLeaderFault("FOV-3 engine leader killed (kill -9)", "FOV-3", cluster, leader -> {
            leader.kill();
            return () -> {
                leader.start();
                cluster.awaitServing(recoveryBound());
            };
        }, true, claimsFencingAcrossFailover());
    }

    @Test
    public void required_FOV_4_engineLeaderFrozenThenResumed() throws Exception {
        EngineCluster cluster = cluster();
        engineLeaderFault("FOV-4 engine leader frozen " + leaderFreeze().toSeconds() + " s (SIGSTOP)", "FOV-4",
                cluster, leader -> {
                    leader.freeze();
                    long frozenAt = System.nanoTime();
                    return () -> {
                        try {
                            long left = leaderFreeze().toMillis() - (System.nanoTime() - frozenAt) / 1_000_000;
                            Thread.sleep(Math.max(0, left));
                        } finally {
                            leader.thaw();
                        }
                        cluster.awaitServing(recoveryBound());
                    };
                }, true, claimsFencingAcrossFailover());
    }

    @Test
    public void optional_LCK_12_fencingTokensIncreaseAcrossLeaderFailover() throws Exception {
        EngineCluster cluster = cluster();
        Coordinator c = open();
        requireClaimed(c, Capability.FENCING_SURVIVES_FAILOVER, "LCK-12");
        FailoverRecord r = record("LCK-12 fencing across an engine leader kill", "LCK-12", c);
        run(r, () -> {
            long before;
            try (LockLease lease = c.locks().lock("lck12").acquire(operationTimeout())) {
                before = lease.fencingToken();
            }
            EngineNode leader = cluster.awaitLeader(Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            leader.kill();
            try {
                Coordinator other = open();
                long[] after = {-1};
                long took = timeUntil(t0, recoveryBound(), () -> {
                    try (LockLease lease = other.locks().lock("lck12").acquire(Duration.ofSeconds(1))) {
                        after[0] = lease.fencingToken();
                        return true;
                    }
                });
                r.timing("lockWorksAgainMs", took);
                assertThat(after[0]).as("LCK-12: token after the engine leader's failover vs %d before", before)
                        .isGreaterThan(before);
            } finally {
                leader.start();
                cluster.awaitServing(recoveryBound());
            }
        });
    }

    @Test
    public void required_FOV_5_wholeClusterRestarted() throws Exception {
        EngineCluster cluster = cluster();
        Coordinator c = open();
        FailoverRecord r = record("FOV-5 whole cluster stopped and started", "FOV-5", c);
        run(r, () -> {
            List<SessionState> states = new CopyOnWriteArrayList<>();
            c.addSessionListener(states::add);
            long version = c.config().put("fov5/key", "survives");
            Registration reg = c.registry().register("fov5", ServiceInstance.of("c", "127.0.0.1:1"));
            long t0 = System.nanoTime();
            cluster.stop();
            r.timing("clusterStoppedMs", System.nanoTime() - t0);
            long t1 = System.nanoTime();
            cluster.start(recoveryBound());
            r.timing("clusterServingAfterStartMs", System.nanoTime() - t1);
            Duration limit = recoveryBound().plus(expiry());
            r.timing("configWorksAgainAfterStartMs", timeUntil(t1, limit, () -> c.config().put("fov5/probe", "p") >= 0));
            r.timing("lockWorksAgainAfterStartMs", timeUntil(t1, limit, () -> {
                try (LockLease l = c.locks().lock("fov5").acquire(Duration.ofSeconds(1))) {
                    return l.isValid();
                }
            }));
            // one reader, opened at the first poll that can connect and reused: a new coordinator per 20 ms poll
            // would open hundreds of sessions while the cluster is down
            AtomicReference<Coordinator> reader = new AtomicReference<>();
            r.timing("registrationBackAfterStartMs", timeUntil(t1, limit, () -> {
                if (!reg.isRegistered()) {
                    return false;
                }
                if (reader.get() == null) {
                    reader.set(open());
                }
                return reader.get().registry().instances("fov5").size() == 1;
            }));
            r.timing("electionWorksAgainAfterStartMs", timeUntil(t1, limit, () -> {
                try (Candidate cand = c.elections().election("fov5").join("c", Map.of(), listener(
                        new CopyOnWriteArrayList<>()))) {
                    return cand.awaitLeadership(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }));
            r.note("session states: " + states);
            r.timingsMs.forEach((k, v) -> assertThat(v).as("FOV-5: %s within %s; %s", k, limit, r.timingsMs)
                    .isNotNegative());
            Optional<io.coordkit.config.Versioned<String>> value = c.config().getString("fov5/key");
            r.note("value after the restart: " + value);
            if (c.capabilities().contains(Capability.DURABLE_ACROSS_FAILOVER)) {
                assertThat(value.map(io.coordkit.config.Versioned::version)).as("FOV-5: with DURABLE_ACROSS_FAILOVER "
                        + "a value written before the restart survives").contains(version);
            }
        });
    }
}
