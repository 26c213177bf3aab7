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
import io.coordkit.tck.workload.ElectionWorkload;
import io.coordkit.tck.workload.LeadershipRecorder;
import io.coordkit.tck.workload.LockWorkload;
import io.coordkit.tck.rules.TckSuite;
import io.coordkit.testing.EngineCluster;
import io.coordkit.testing.EngineNode;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;

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
 * What the failover and partition checks share: the fixture's cluster, records written to
 * {@code target/failover/<fixture>.json}, waiting for recovery, and the engine-leader fault under load.
 */
public abstract class EngineFaultSuite extends TckSuite {

    /** Subclasses only: {@link FailoverChecks}, {@link PartitionChecks}. */
    EngineFaultSuite() {
    }

    /** @return how long an engine may take to serve again after a fault, at most (default 30 s) */
    protected Duration recoveryBound() {
        return Duration.ofSeconds(30);
    }

    /**
     * @return the fixture's cluster
     * @throws org.opentest4j.TestAbortedException (reported as not run) without a cluster of three nodes
     */
    final EngineCluster cluster() {
        Optional<EngineCluster> c = fixture().cluster();
        if (c.isEmpty() || c.get().nodes().size() < 3) {
            Assumptions.abort(NEEDS_FIXTURE + "a fault-injecting fixture with an EngineCluster of 3 nodes (FOV-*)");
        }
        return c.get();
    }

    /** @return a record of a check, with the backend's capabilities and the fixture's bounds */
    final FailoverRecord record(String check, String rule, Coordinator c) {
        FailoverRecord r = new FailoverRecord(check, rule, fixture().name());
        c.capabilities().forEach(cap -> r.capabilities.add(cap.name()));
        r.bounds.put("sessionTtlMs", ttl().toMillis());
        r.bounds.put("expiryBoundMs", fixture().expiryBound().toMillis());
        return r;
    }

    /**
     * Runs a check body, saving its record as PASSED or FAILED whatever happens, or as NOT RUN with the reason when
     * the body aborts because the fixture cannot make what it needs (a proxy, a partition).
     */
    final void run(FailoverRecord r, ThrowingRunnable body) throws Exception {
        try {
            body.run();
            if (!r.violations.isEmpty()) {
                throw new AssertionError(r.rule + ": safety violations: " + r.violations);
            }
            r.outcome = "PASSED";
        } catch (TestAbortedException e) {
            r.outcome = PartitionChecks.NOT_RUN;
            r.failure = String.valueOf(e.getMessage());
            throw e;
        } catch (Throwable e) {
            r.outcome = "FAILED";
            r.failure = String.valueOf(e.getMessage());
            throw e;
        } finally {
            FailoverReport.save(r);
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Waits until the condition holds, returning the nanoseconds from {@code since}, or -1 after the limit. */
    static long timeUntil(long since, Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return System.nanoTime() - since;
                }
            } catch (RuntimeException e) {
                // not yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /**
     * Polls several conditions together, so that each time is measured from {@code since}, not after the others.
     *
     * @param since      {@link System#nanoTime()} of the fault
     * @param limit      how long to wait for all
     * @param conditions the conditions by name
     * @return nanoseconds from {@code since} until each first held, or -1 for those that did not within the limit
     */
    static Map<String, Long> timesUntil(long since, Duration limit, Map<String, BooleanSupplier> conditions) {
        Map<String, Long> times = new java.util.TreeMap<>();
        long deadline = System.nanoTime() + limit.toNanos();
        while (times.size() < conditions.size() && System.nanoTime() < deadline) {
            conditions.forEach((name, condition) -> {
                if (!times.containsKey(name)) {
                    try {
                        if (condition.getAsBoolean()) {
                            times.put(name, System.nanoTime() - since);
                        }
                    } catch (RuntimeException e) {
                        // not yet
                    }
                }
            });
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        conditions.keySet().forEach(name -> times.putIfAbsent(name, -1L));
        return times;
    }

    /** A fault on a node: injects it, returns how to undo it. */
    @FunctionalInterface
    interface Fault {
        ThrowingRunnable inject(EngineNode leader);
    }

    /**
     * A fault of the engine's leader under load: a lock held, a candidacy leading, a registration, lock contention
     * and election churn from three more clients, probes of every primitive until each works again; then the safety
     * of the whole history (LCK-2, LCK-4, ELE-2, ELE-3, SPI-7) and durability.
     *
     * @param check          the check's name
     * @param rule           the rule it checks
     * @param cluster        the cluster
     * @param fault          injects the fault into the leader, returns how to undo it
     * @param sessionClaimed true to hold the backend to SESSION_SURVIVES_LEADER_FAILOVER when it claims it
     * @param safetyRequired true if the safety violations fail the check; false to record them as observations
     */
    final void engineLeaderFault(String check, String rule, EngineCluster cluster, Fault fault, boolean sessionClaimed,
                                 boolean safetyRequired) throws Exception {
        Coordinator holder = open();
        FailoverRecord r = record(check, rule, holder);
        run(r, () -> {
            List<SessionState> states = new CopyOnWriteArrayList<>();
            AtomicLong firstSuspendAt = new AtomicLong(-1);
            holder.addSessionListener(s -> {
                states.add(s);
                if (s == SessionState.SUSPENDED) {
                    firstSuspendAt.compareAndSet(-1, System.nanoTime());
                }
            });
            LockLease held = holder.locks().lock(rule + "-held").acquire(operationTimeout());
            History<Leadership> holderLeaderships = new History<>("leaderships of the holder during " + check);
            LeadershipRecorder holderRecorder = new LeadershipRecorder("holder", holderLeaderships);
            Candidate leading = holder.elections().election(rule).join("holder", Map.of(), holderRecorder);
            await(rule).until(leading::isLeader);
            long termBefore = leading.leadership().orElseThrow().term();
            Registration reg = holder.registry().register(rule, ServiceInstance.of("holder", "127.0.0.1:1"));
            long versionBefore = holder.config().put(rule + "/key", "before");
            History<Lease> history = new History<>("lock contention during " + check);
            List<Coordinator> workers = List.of(open(), open(), open());
            EngineNode leader = cluster.awaitLeader(Duration.ofSeconds(10));
            r.note("engine leader before the fault: " + leader.name());
            ThrowingRunnable undo;
            long t0;
            long recoveredAt;
            // ELE-2 and ELE-3 across every candidate of an election whose leader resigns every 300 ms, from before
            // the fault until after the recovery (FOV-3, FOV-4); leadership changes hands whenever the engine serves
            // the candidates, which a backend may not do during the fault (ZooKeeper suspends every client)
            ElectionWorkload elections = new ElectionWorkload(workers, open(), rule + "-churn", check);
            clients().track(elections::close);
            try (LockWorkload workload = new LockWorkload(workers, rule + "-contended", history)) {
                pause(Duration.ofMillis(500), "let the workload run before the fault");
                t0 = System.nanoTime();
                undo = fault.inject(leader);
                // a partition is a few iptables rules per link: meanwhile some links are cut and others not yet,
                // as in real network failures; how long that took belongs with what the check saw
                r.timing("faultInPlaceMs", System.nanoTime() - t0);
                Coordinator probe = open();
                Duration limit = recoveryBound();
                r.timing("configPutWorksAgainMs", timeUntil(t0, limit, () -> probe.config().put(rule + "/probe", "p")
                        >= 0));
                r.timing("lockWorksAgainMs", timeUntil(t0, limit, () -> {
                    try (LockLease l = probe.locks().lock(rule + "-probe").acquire(Duration.ofSeconds(1))) {
                        return l.isValid();
                    }
                }));
                r.timing("registryWorksAgainMs", timeUntil(t0, limit, () -> {
                    probe.registry().register(rule + "-probe", ServiceInstance.of("p" + System.nanoTime(), "h:1"))
                            .close();
                    return true;
                }));
                r.timing("electionWorksAgainMs", timeUntil(t0, limit, () -> {
                    try (Candidate c = probe.elections().election(rule + "-probe").join("p" + System.nanoTime(),
                            Map.of(), listener(new CopyOnWriteArrayList<>()))) {
                        return c.awaitLeadership(Duration.ofSeconds(1));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }));
                undo.run();
                recoveredAt = System.nanoTime();
                r.timing("faultUndoneAndClusterServingMs", recoveredAt - t0);
                // the churned election must lead again after the recovery (checked below from the history); wait
                // for it, then let leadership change hands a few times
                long servedAt = recoveredAt;
                long leadsAgain = timeUntil(t0, recoveryBound(), () -> elections.leadsSince(servedAt));
                if (leadsAgain >= 0) {
                    r.timing("electionWorkloadLeadsAfterRecoveryMs", leadsAgain);
                }
                pause(Duration.ofSeconds(1), "let the workload run after the recovery");
                r.count("workloadAcquireFailures", workload.failures());
            } finally {
                elections.close();
            }
            r.note("engine leader after the fault: " + cluster.leader().map(EngineNode::name).orElse("none"));
            r.note("session states of the holder: " + states);
            if (firstSuspendAt.get() > 0) {
                r.timing("holderSuspendedAfterMs", firstSuspendAt.get() - t0);
            }
            r.count("leadershipsRecorded", elections.leadershipsRecorded());
            r.count("resignationsDuringFault", elections.resignationsBetween(t0, recoveredAt));
            r.count("resignationsInAll", elections.resignations());
            r.count("leadershipChangesAfterFault", elections.newTermsFrom(t0));
            r.count("leadershipChangesAfterRecovery", elections.newTermsFrom(recoveredAt));
            r.count("leadershipsElectedAfterRecovery", elections.leadershipsElectedFrom(recoveredAt));
            r.count("electionCandidatesRejoined", elections.rejoins());
            r.count("electionWorkloadFailures", elections.failures());
            elections.check().violations().forEach(v -> r.violations.add(v.toString()));
            if (elections.overlaps() > 0) {
                r.violations.add("SPI-7: " + elections.overlaps() + " leadership listener calls overlapped");
            }
            CheckResult safety = new MutualExclusionChecker().check(history.snapshot());
            r.count("leasesRecorded", history.size());
            safety.violations().forEach(v -> r.violations.add(v.toString()));
            assertThat(elections.leadershipsElectedFrom(recoveredAt)).as("%s: the churned election leads again after "
                    + "the recovery (ELE-1, ELE-5): no candidate was told elected after the cluster served again at "
                    + "%d ms from the fault (waited up to %s for a leader, then 1 s); resignations %d, "
                    + "candidacies made again %d, failures %d; %s", rule, (recoveredAt - t0) / 1_000_000,
                    recoveryBound(), elections.resignations(), elections.rejoins(), elections.failures(),
                    elections.leaderships()).isPositive();
            r.timingsMs.values().forEach(ms -> assertThat(ms).as("%s: every primitive works again within %s; %s",
                    rule, recoveryBound(), r.timingsMs).isNotNegative());
            Duration settle = expiry().plus(operationTimeout());
            if (sessionClaimed && holder.capabilities().contains(Capability.SESSION_SURVIVES_LEADER_FAILOVER)) {
                await(rule).atMost(settle).untilAsserted(() -> assertThat(held.state())
                        .as("%s: with SESSION_SURVIVES_LEADER_FAILOVER the held lease stays valid; states %s", rule,
                                states).isEqualTo(LeaseState.HELD));
                assertThat(reg.isRegistered()).isTrue();
            } else {
                r.note("session survival not required here: lease state after the fault " + held.state());
            }
            r.note("held lease state after the fault: " + held.state());
            // the holder's own candidacy, alone in its election: told again of its term after a suspension (SES-5)
            // or a greater one, never a smaller one (ELE-3)
            if (leading.isLeader()) {
                long termAfter = leading.leadership().orElseThrow().term();
                if (termAfter < termBefore) {
                    r.violations.add("ELE-3: term went back from " + termBefore + " to " + termAfter);
                }
            }
            holderRecorder.closeHistory();
            new LeadershipChecker().check(holderLeaderships.snapshot()).violations()
                    .forEach(v -> r.violations.add(v.toString()));
            r.note("holder candidate: " + holderRecorder);
            Coordinator after = open();
            Optional<io.coordkit.config.Versioned<String>> value = after.config().getString(rule + "/key");
            if (holder.capabilities().contains(Capability.DURABLE_ACROSS_FAILOVER)
                    && value.map(v -> v.version() < versionBefore).orElse(true)) {
                r.violations.add("DURABLE_ACROSS_FAILOVER: acknowledged write @" + versionBefore + " not found after "
                        + "the fault: " + value);
            }
            if (!safetyRequired) {
                recordOnly(r);
            }
        });
    }

    /** Turns the record's violations into observations: for a check of safety the backend does not claim. */
    static void recordOnly(FailoverRecord r) {
        r.violations.forEach(v -> r.note("observed (not claimed, so not a failure): " + v));
        r.violations.clear();
    }

    static LeadershipListener listener(List<LeaderInfo> elected) {
        return new LeadershipListener() {
            @Override
            public void elected(LeaderInfo leadership) {
                elected.add(leadership);
            }

            @Override
            public void revoked(RevocationReason reason) {
                // recorded by the checks that need it
            }
        };
    }
}
