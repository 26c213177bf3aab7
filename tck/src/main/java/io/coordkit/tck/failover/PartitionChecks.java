package io.coordkit.tck.failover;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.Coordinator;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigStore;
import io.coordkit.config.Versioned;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.tck.ProxiedConnection;
import io.coordkit.tck.check.CheckResult;
import io.coordkit.tck.check.FencedResource;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LinearizabilityChecker;
import io.coordkit.tck.check.LinearizabilityChecker.Op;
import io.coordkit.tck.check.MutualExclusionChecker;
import io.coordkit.tck.check.MutualExclusionChecker.Lease;
import io.coordkit.testing.EngineCluster;
import io.coordkit.testing.EngineNode;
import io.coordkit.testing.NodeRole;
import io.coordkit.testing.Partitions;
import io.coordkit.testing.fault.TcpProxy;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partition checks PRT-1 to PRT-4 (SPEC.md): one engine node cut from the others, a client cut from the engine's
 * leader only, the leader isolated, a client cut from every node past its TTL; each with healing, the safety the
 * backend claims asserted, and what happened recorded in {@code target/failover/<fixture>.json} beside the FOV
 * checks. Cuts between engine nodes need a cluster whose runtime makes partitions (the container runtime of
 * coordkit-testing); without one, PRT-1 and PRT-3 are recorded as NOT RUN and reported as not run, never passed. Cuts
 * of one client go through TCP proxies and work in every runtime. Extend it and implement {@link #createFixture()}.
 */
public abstract class PartitionChecks extends EngineFaultSuite {

    /** The outcome recorded for a check whose fault the fixture's runtime cannot make. */
    public static final String NOT_RUN = "NOT RUN";

    /** @return how long PRT-1 keeps the minority node cut off (default 8 s: longer than ZooKeeper's sync limit) */
    protected Duration partitionLength() {
        return Duration.ofSeconds(8);
    }

    /** Partitions of the cluster, or a NOT RUN record and an abort that says why. */
    private Partitions partitions(EngineCluster cluster, String check, String rule, Coordinator c) {
        Optional<Partitions> p = cluster.partitions();
        if (p.isEmpty()) {
            FailoverRecord r = record(check, rule, c);
            r.outcome = NOT_RUN;
            r.failure = "the fixture's cluster cannot cut engine nodes from each other (local processes share "
                    + "127.0.0.1): run it in containers (coordkit.testing.runtime=container)";
            FailoverReport.save(r);
            Assumptions.abort(NEEDS_FIXTURE + "partitions between engine nodes (" + rule + "): " + r.failure);
        }
        return p.get();
    }

    /**
     * A coordinator whose every connection goes to one node: the proxies to the other nodes refuse connections.
     *
     * @return the connection, already served by that node
     */
    private ProxiedConnection pinnedTo(EngineNode node, String probeKey) {
        ProxiedConnection pc = clients().openProxied();
        for (TcpProxy p : pc.proxies()) {
            if (!p.target().equals(node.clientAddress())) {
                p.cut();
            }
        }
        long limit = System.nanoTime() + recoveryBound().toNanos();
        while (true) {
            try {
                pc.coordinator().config().put(probeKey, "pinned");
                return pc;
            } catch (RuntimeException e) {
                if (System.nanoTime() > limit) {
                    throw new IllegalStateException("a client pinned to " + node.name() + " was not served within "
                            + recoveryBound(), e);
                }
                pause(Duration.ofMillis(100), "let the pinned client find its node");
            }
        }
    }

    private static TcpProxy proxyTo(ProxiedConnection pc, EngineNode node) {
        return pc.proxies().stream().filter(p -> p.target().equals(node.clientAddress())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no proxy to " + node.name()));
    }

    @Test
    public void optional_PRT_1_minorityNodeServesNoWriteTheMajorityContradicts() throws Exception {
        EngineCluster cluster = cluster();
        Coordinator c = open();
        requireClaimed(c, Capability.LINEARIZABLE_CONFIG, "PRT-1");
        String check = "PRT-1 one engine node cut from the others (partition)";
        Partitions partitions = partitions(cluster, check, "PRT-1", c);
        FailoverRecord r = record(check, "PRT-1", c);
        run(r, () -> {
            EngineNode leader = cluster.awaitLeader(Duration.ofSeconds(10));
            EngineNode minority = cluster.nodes().stream().filter(n -> !n.name().equals(leader.name()))
                    .findFirst().orElseThrow();
            r.note("engine leader " + leader.name() + "; cut off: " + minority.name());
            List<ProxiedConnection> pinned = new ArrayList<>();
            for (EngineNode n : cluster.nodes()) {
                pinned.add(pinnedTo(n, "prt1/probe-" + n.index()));
            }
            History<Op> history = new History<>("config operations on prt1/key during a partition");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong partitionedFrom = new AtomicLong(Long.MAX_VALUE);
            AtomicLong partitionedTo = new AtomicLong(Long.MAX_VALUE);
            AtomicLong minorityAcked = new AtomicLong();
            AtomicLong majorityAcked = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(pinned.size());
            List<Future<?>> clientsDone = new ArrayList<>();
            try {
                for (int i = 0; i < pinned.size(); i++) {
                    EngineNode node = cluster.nodes().get(i);
                    ConfigStore cfg = pinned.get(i).coordinator().config();
                    AtomicLong acked = node.name().equals(minority.name()) ? minorityAcked : majorityAcked;
                    String client = "via-" + node.name();
                    clientsDone.add(pool.submit(() -> registerClient(cfg, client, history, running, partitionedFrom,
                            partitionedTo, acked)));
                }
                pause(Duration.ofSeconds(1), "let the workload run before the partition");
                long t0 = System.nanoTime();
                partitions.isolateFromPeers(minority);
                partitionedFrom.set(history.now()); // operations invoked from now on meet the cut
                r.note("cuts: " + partitions.describe());
                long stopsServing = timeUntil(t0, partitionLength(),
                        () -> minority.role() == NodeRole.NOT_SERVING);
                r.timing("minorityNodeStopsServingMs", stopsServing);
                pause(partitionLength().minusNanos(Math.max(0, System.nanoTime() - t0)), "keep the partition");
                partitionedTo.set(history.now());
                partitions.healAll();
                cluster.awaitServing(recoveryBound());
                r.timing("healedAndServingMs", System.nanoTime() - t0);
                pause(Duration.ofSeconds(2), "let the workload run after healing");
            } finally {
                running.set(false);
                pool.shutdown();
                partitions.healAll();
            }
            for (Future<?> f : clientsDone) {
                f.get(recoveryBound().toSeconds() + operationTimeout().toSeconds(), TimeUnit.SECONDS);
            }
            pool.awaitTermination(10, TimeUnit.SECONDS);
            // after healing every node's client reads the key: all of them see the majority's last write
            for (int i = 0; i < pinned.size(); i++) {
                ConfigStore cfg = pinned.get(i).coordinator().config();
                String client = "after-" + cluster.nodes().get(i).name();
                long deadline = System.nanoTime() + recoveryBound().toNanos();
                while (!readOnce(cfg, client, history) && System.nanoTime() < deadline) {
                    pause(Duration.ofMillis(100), "wait for the healed node to serve reads");
                }
            }
            r.count("operations", history.size());
            r.count("minorityWritesAcknowledgedDuringPartition", minorityAcked.get());
            r.count("majorityWritesAcknowledgedDuringPartition", majorityAcked.get());
            r.note("writes invoked through the cut-off node during the cut and acknowledged: " + minorityAcked.get()
                    + " (a quorum system acknowledges none; the checker judges whether any contradicts the majority)");
            CheckResult verdict = new LinearizabilityChecker().check(history.snapshot());
            verdict.measurements().forEach(r::count);
            verdict.violations().forEach(v -> r.violations.add(v.toString()));
        });
    }

    /** One client of PRT-1: paced gets, puts and compare-and-sets on one key, recorded for the checker. */
    private static Void registerClient(ConfigStore cfg, String client, History<Op> history, AtomicBoolean running,
                                       AtomicLong partitionedFrom, AtomicLong partitionedTo, AtomicLong ackedInPartition) {
        long lastSeen = LinearizabilityChecker.ABSENT;
        for (int i = 0; running.get(); i++) {
            String value = client + "-" + i;
            int dice = Math.floorMod(i * 37 + client.hashCode(), 100);
            long invoked = history.now();
            try {
                if (dice < 40) {
                    Optional<Versioned<byte[]>> got = cfg.get("prt1/key");
                    long done = history.now();
                    if (got.isPresent()) {
                        lastSeen = got.get().version();
                        history.add(Op.get(client, invoked, done, new String(got.get().value(),
                                StandardCharsets.UTF_8), lastSeen));
                    } else {
                        lastSeen = LinearizabilityChecker.ABSENT;
                        history.add(Op.getNotFound(client, invoked, done));
                    }
                } else if (dice < 70) {
                    long version = cfg.put("prt1/key", value);
                    long done = history.now();
                    history.add(Op.put(client, value, invoked, done, version));
                    countIfInside(invoked, partitionedFrom, partitionedTo, ackedInPartition);
                } else {
                    long expected = lastSeen;
                    try {
                        long version = cfg.compareAndSet("prt1/key", expected,
                                value.getBytes(StandardCharsets.UTF_8));
                        history.add(Op.cas(client, expected, value, invoked, history.now(), version));
                        lastSeen = version;
                        countIfInside(invoked, partitionedFrom, partitionedTo, ackedInPartition);
                    } catch (VersionConflictException e) {
                        history.add(Op.casConflict(client, expected, value, invoked, history.now()));
                    }
                }
            } catch (CoordinationTimeoutException | BackendUnavailableException e) {
                if (dice >= 40 && dice < 70) {
                    history.add(Op.putUnknown(client, value, invoked));
                } else if (dice >= 70) {
                    history.add(Op.casUnknown(client, lastSeen, value, invoked));
                }
                // every write of unknown outcome may take effect at any later point, which multiplies the orders
                // the checker must try: a cut-off client backs off instead of piling them up
                pause(Duration.ofSeconds(1), "back off after an operation of unknown outcome");
            }
            pause(Duration.ofMillis(40), "pace the workload: a few hundred operations keep the checker fast");
        }
        return null;
    }

    private static void countIfInside(long invoked, AtomicLong from, AtomicLong to, AtomicLong counter) {
        if (invoked >= from.get() && invoked <= to.get()) {
            counter.incrementAndGet();
        }
    }

    private static boolean readOnce(ConfigStore cfg, String client, History<Op> history) {
        long invoked = history.now();
        try {
            Optional<Versioned<byte[]>> got = cfg.get("prt1/key");
            long done = history.now();
            history.add(got.isPresent()
                    ? Op.get(client, invoked, done, new String(got.get().value(), StandardCharsets.UTF_8),
                    got.get().version())
                    : Op.getNotFound(client, invoked, done));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    public void required_PRT_2_clientCutFromTheEngineLeaderOnly() throws Exception {
        EngineCluster cluster = cluster();
        Coordinator observer = open();
        FailoverRecord r = record("PRT-2 a client cut from the engine leader, not from the others", "PRT-2",
                observer);
        run(r, () -> {
            EngineNode leader = cluster.awaitLeader(Duration.ofSeconds(10));
            r.note("engine leader: " + leader.name());
            // connected to the leader when the cut comes: pinned to it first, then free to use the others
            ProxiedConnection client = pinnedTo(leader, "prt2/probe");
            Coordinator holder = client.coordinator();
            FencedResource resource = new FencedResource("prt2 store");
            History<Lease> leases = new History<>("leases of prt2");
            long invoked = leases.now();
            LockLease lease = holder.locks().lock("prt2").acquire(operationTimeout());
            long acquired = leases.now();
            AtomicLong untrustedAt = new AtomicLong(-1);
            List<LeaseState> states = new CopyOnWriteArrayList<>();
            lease.addListener((l, s) -> {
                states.add(s);
                if (s != LeaseState.HELD) {
                    untrustedAt.compareAndSet(-1, leases.now());
                }
            });
            assertThat(resource.write("holder", lease.fencingToken(), "before").accepted()).isTrue();
            long t0 = System.nanoTime();
            client.proxies().forEach(TcpProxy::restore);
            proxyTo(client, leader).blackhole();
            long observerInvoked = leases.now();
            AtomicLong observerAcquiredAt = new AtomicLong(-1);
            CompletableFuture<LockLease> waiter = observer.locks().lock("prt2").acquireAsync(
                    expiry().plus(recoveryBound()));
            waiter.thenRun(() -> observerAcquiredAt.compareAndSet(-1, leases.now()));
            try {
                Duration settle = expiry().plus(operationTimeout());
                // by then the holder either renewed through the other nodes (HELD) or knows it lost the lease
                long settled = timeUntil(t0, settle.plus(operationTimeout()), () -> lease.state() == LeaseState.HELD
                        && lease.isValid() ? pingThroughOthers(holder) : lease.state() == LeaseState.LOST);
                r.timing("holderSettledMs", settled);
                r.note("holder lease states: " + states + ", now " + lease.state());
                assertThat(settled).as("PRT-2: within TTL + B + timeout (%s) a client cut from the engine leader only "
                        + "either works through the other nodes with its lease HELD, or reports the lease LOST; "
                        + "states %s", settle, states).isNotNegative();
                if (lease.state() == LeaseState.LOST) {
                    r.timing("otherClientAcquiresMs", timeUntil(t0, expiry().plus(recoveryBound()), waiter::isDone));
                    assertThat(waiter).as("PRT-2: after the holder lost the lease another client gets the lock")
                            .isDone();
                } else {
                    r.note("the holder kept its lease through the other nodes");
                    assertThat(waiter.isDone()).as("PRT-2: nobody else holds the lock while the holder's lease is "
                            + "HELD").isFalse();
                }
            } finally {
                client.restore();
            }
            long closing = leases.now();
            long untrusted = untrustedAt.get();
            Lease holderLease = Lease.exclusive("prt2", "holder", lease.fencingToken(), invoked, acquired);
            leases.add(untrusted >= 0 ? holderLease.lostAt(Math.max(untrusted, acquired))
                    : holderLease.releasedAt(closing));
            lease.close();
            LockLease next = waiter.get(expiry().plus(recoveryBound()).toMillis(), TimeUnit.MILLISECONDS);
            leases.add(Lease.exclusive("prt2", "observer", next.fencingToken(), observerInvoked,
                    observerAcquiredAt.get() >= 0 ? observerAcquiredAt.get() : leases.now()).releasedAt(leases.now()));
            assertThat(resource.write("observer", next.fencingToken(), "after").accepted())
                    .as("PRT-2: the next holder's token %d is accepted", next.fencingToken()).isTrue();
            FencedResource.Write late = resource.write("holder", lease.fencingToken(), "late");
            assertThat(late.accepted()).as("PRT-2: a write with the cut client's token after the next holder's is "
                    + "refused").isFalse();
            next.close();
            new MutualExclusionChecker().check(leases.snapshot()).violations()
                    .forEach(v -> r.violations.add(v.toString()));
        });
    }

    private static boolean pingThroughOthers(Coordinator c) {
        try {
            c.config().put("prt2/ping", "p");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    public void required_PRT_3_engineLeaderIsolatedThenHealed() throws Exception {
        EngineCluster cluster = cluster();
        Coordinator c = open();
        String check = "PRT-3 engine leader isolated from the others and from clients, then healed";
        Partitions partitions = partitions(cluster, check, "PRT-3", c);
        boolean claimsSafety = c.capabilities().contains(Capability.FENCING_SURVIVES_FAILOVER);
        engineLeaderFault(check, "PRT-3", cluster, leader -> {
            partitions.isolate(leader);
            return () -> {
                partitions.healAll();
                cluster.awaitServing(recoveryBound());
            };
        }, false, claimsSafety);
    }

    @Test
    public void required_PRT_4_clientCutOffPastItsTtlLosesItsLeasesAndLearnsIt() throws Exception {
        Coordinator observer = open();
        FailoverRecord r = record("PRT-4 a client cut from every engine node past its TTL", "PRT-4", observer);
        run(r, () -> {
            ProxiedConnection client = clients().openProxied();
            Coordinator cut = client.coordinator();
            FencedResource resource = new FencedResource("prt4 store");
            LockLease lease = cut.locks().lock("prt4").acquire(operationTimeout());
            List<LeaderInfo> elected = new CopyOnWriteArrayList<>();
            List<String> revoked = new CopyOnWriteArrayList<>();
            Candidate candidate = cut.elections().election("prt4").join("cut", Map.of(),
                    new io.coordkit.election.LeadershipListener() {
                        @Override
                        public void elected(LeaderInfo leadership) {
                            elected.add(leadership);
                        }

                        @Override
                        public void revoked(RevocationReason reason) {
                            revoked.add(reason.toString());
                        }
                    });
            await("PRT-4").until(candidate::isLeader);
            long oldTerm = candidate.leadership().orElseThrow().term();
            assertThat(resource.write("cut", lease.fencingToken(), "before").accepted()).isTrue();
            long t0 = System.nanoTime();
            client.blackhole();
            CompletableFuture<LockLease> waiter = observer.locks().lock("prt4").acquireAsync(Duration.ofSeconds(60));
            List<LeaseState> stateWhenOtherAcquired = new CopyOnWriteArrayList<>();
            waiter.thenRun(() -> stateWhenOtherAcquired.add(lease.state()));
            List<LeaderInfo> observerElected = new CopyOnWriteArrayList<>();
            Candidate other = observer.elections().election("prt4").join("observer", Map.of(),
                    listener(observerElected));
            try {
                Duration limit = expiry().plus(operationTimeout());
                Map<String, Long> times = timesUntil(t0, limit, Map.of(
                        "cutClientLeaseNotValidMs", () -> !lease.isValid(),
                        "cutClientToldLeaseLostMs", () -> lease.state() == LeaseState.LOST,
                        "cutClientCandidacyRevokedMs", () -> !candidate.isLeader() && !revoked.isEmpty(),
                        "lockAcquiredByOtherMs", waiter::isDone,
                        "otherCandidateElectedMs", other::isLeader));
                times.forEach(r::timing);
                r.note("cut client's lease " + lease.state() + ", revocations " + revoked
                        + "; its lease's state when the other client got the lock: " + stateWhenOtherAcquired);
                if (stateWhenOtherAcquired.contains(LeaseState.HELD)) {
                    r.violations.add("LCK-2: the cut client still reported its lease HELD when another client "
                            + "acquired the lock");
                }
                assertThat(r.timingsMs.get("lockAcquiredByOtherMs")).as("PRT-4: another client gets the lock within "
                        + "TTL + B (%s); %s", expiry(), r.timingsMs).isBetween(0L, expiry().toMillis());
                assertThat(lease.state()).as("PRT-4: a client cut off past its TTL learns, while still cut off, that "
                        + "its lease is LOST (within TTL + B + timeout = %s); %s", limit, r.timingsMs)
                        .isEqualTo(LeaseState.LOST);
                assertThat(revoked).as("PRT-4: its candidacy is revoked").isNotEmpty();
                assertThat(waiter).as("PRT-4: another client gets the lock within TTL + B (%s)", r.timingsMs)
                        .isDone();
                assertThat(other.isLeader()).as("PRT-4: another candidate leads (%s)", r.timingsMs).isTrue();
                LockLease next = waiter.join();
                if (next.fencingToken() <= lease.fencingToken()) {
                    r.violations.add("LCK-4: token " + next.fencingToken() + " after the cut client's "
                            + lease.fencingToken());
                }
                assertThat(resource.write("observer", next.fencingToken(), "new holder").accepted()).isTrue();
                FencedResource.Write late = resource.write("cut", lease.fencingToken(), "late");
                r.note("late write of the cut client: " + late.describe(t0));
                assertThat(late.accepted()).as("PRT-4: a write with the cut client's old token is refused").isFalse();
                long newTerm = other.leadership().map(LeaderInfo::term).orElse(-1L);
                if (newTerm <= oldTerm) {
                    r.violations.add("ELE-3: term " + newTerm + " after the cut leader's " + oldTerm);
                }
                next.close();
            } finally {
                client.restore();
            }
            // healed: the client works again by itself and does not hold the lock again (SES-6)
            long healed = System.nanoTime();
            r.timing("cutClientWorksAgainAfterHealingMs", timeUntil(healed, recoveryBound(), () -> {
                try (LockLease again = cut.locks().lock("prt4-after").acquire(Duration.ofSeconds(1))) {
                    return again.isValid();
                }
            }));
            assertThat(r.timingsMs.get("cutClientWorksAgainAfterHealingMs")).as("PRT-4: the client recovers after "
                    + "healing within %s", recoveryBound()).isNotNegative();
            assertThat(lease.isValid()).as("PRT-4: the lost lease stays lost (SES-6)").isFalse();
        });
    }
}
