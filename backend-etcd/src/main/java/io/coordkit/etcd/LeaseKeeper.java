package io.coordkit.etcd;

import io.coordkit.DurationText;
import io.coordkit.BackendUnavailableException;
import io.coordkit.spi.Futures;
import io.coordkit.session.SessionState;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.grpc.Metadata;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The session: one etcd lease, kept alive by this class rather than by jetcd's keep-alive (which stops after one
 * TTL without an answer and can hang on a frozen member).
 *
 * <ul>
 *   <li>TTL: the session TTL rounded <em>up</em> to whole seconds (etcd leases are whole seconds); etcd raises it
 *   to its minimum (about 2 s with default ticks). The granted TTL is what counts and is shown in health.</li>
 *   <li>Every granted-TTL/3 one keep-alive goes to the member that answered last, on a gRPC stream of its own with
 *   a deadline (the keep-alive timeout: TTL/3, at least 500 ms, at most the operation timeout) and etcd's
 *   require-leader header (a member without a leader answers at once instead of hanging).</li>
 *   <li>A failed or timed-out keep-alive is sent again at once to <em>every</em> member in parallel; the first
 *   renewal wins. Two failed rounds in a row, or half a TTL without a renewal, report {@code SUSPENDED}; the next
 *   renewal {@code RECONNECTED}.</li>
 *   <li>The lease counts as gone ({@code LOST}) when etcd says it is (TTL 0, "lease not found"), or when the TTL
 *   has passed since the <em>sending</em> of the last renewal that succeeded: etcd may have expired it by then.
 *   The old lease is then revoked (best effort, so nothing of it lingers on the engine) and a new one granted,
 *   tried every 500 ms until it succeeds ({@code CONNECTED}).</li>
 * </ul>
 */
final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final long RETRY_MS = 200;
    private static final long REGRANT_MS = 500;
    private static final Metadata REQUIRE_LEADER = requireLeader();

    private final EtcdSession session;
    private final String uri;
    private final long askedTtlMs;
    private final long requestTtlSeconds;
    private final long keepAliveTimeoutMs;
    private final Object lock = new Object();

    private volatile long leaseId;
    private volatile long grantedTtlSeconds;
    /** System.nanoTime() when the last successful renewal (or the grant) was sent. */
    private long lastRenewSentNanos;
    private int failedRounds;
    private int preferred;
    /** The round whose answers are awaited, 0 if none. */
    private long roundInFlight;
    private long rounds;
    private boolean regranting;
    private ScheduledFuture<?> nextRound;
    private ScheduledFuture<?> expiry;
    private volatile boolean closed;
    private final java.util.Set<Long> formerLeases = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.List<Loss> losses = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong renewals = new java.util.concurrent.atomic.AtomicLong();

    /** Why a lease was given up. */
    enum Loss {
        /** No keep-alive succeeded within the TTL: etcd may have expired the lease. */
        NOT_RENEWED,
        /** etcd said the lease is gone although a renewal had succeeded within its TTL (etcd revoked it). */
        REVOKED_BY_ETCD,
        /** etcd said the lease is gone, and no renewal had succeeded within its TTL. */
        GONE
    }

    LeaseKeeper(EtcdSession session) {
        this.session = session;
        this.uri = session.spec().uri();
        this.askedTtlMs = session.spec().sessionTtl().toMillis();
        this.requestTtlSeconds = Math.max(1, (askedTtlMs + 999) / 1000);
        long ka = Math.max(500, askedTtlMs / 3);
        this.keepAliveTimeoutMs = Math.min(ka, session.spec().operationTimeout().toMillis());
    }

    /**
     * @param lease an etcd lease id
     * @return true if it is a lease this session had and lost
     */
    boolean isFormerLease(long lease) {
        return formerLeases.contains(lease);
    }

    /** @return how many keep-alives have succeeded so far */
    long renewals() {
        return renewals.get();
    }

    /** @return why each lease of this session was given up, in order */
    java.util.List<Loss> losses() {
        return java.util.List.copyOf(losses);
    }

    /** @return the current lease id, 0 while there is none (lost, not yet replaced) */
    long leaseId() {
        return leaseId;
    }

    /**
     * @param lease a lease id
     * @return true if it is the current lease and less than its TTL has passed since the last grant or renewal
     *         that etcd confirmed was sent: false after a freeze of this process past the TTL, before the expiry
     *         timer has told the loss
     */
    boolean heldByClock(long lease) {
        synchronized (lock) {
            return lease != 0 && leaseId == lease
                    && System.nanoTime() - lastRenewSentNanos < TimeUnit.MILLISECONDS.toNanos(ttlMs());
        }
    }

    /** @return the TTL asked for and granted, for logs and health */
    String ttlDescription() {
        long granted = grantedTtlSeconds;
        String s = "session TTL asked " + DurationText.format(Duration.ofMillis(askedTtlMs))
                + ", etcd lease TTL granted " + granted + "s";
        if (granted * 1000 != askedTtlMs) {
            s += " (etcd leases are whole seconds, at least its minimum; rounded up, never down)";
        }
        return s;
    }

    /**
     * Grants the first lease, retrying failures that show nothing was granted, until the timeout.
     *
     * @param timeout the connect timeout
     * @throws BackendUnavailableException if no lease was granted in time
     */
    void grantFirst(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            long sent = System.nanoTime();
            try {
                LeaseGrantResponse r = grant().get(left, TimeUnit.NANOSECONDS);
                granted(r, sent);
                scheduleRound(intervalMs());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted while connecting to " + uri, e);
            } catch (TimeoutException e) {
                last = e;
                break;
            } catch (ExecutionException e) {
                last = e.getCause();
                long pause = Math.min(RETRY_MS, (deadline - System.nanoTime()) / 1_000_000);
                if (pause > 0) {
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new BackendUnavailableException("interrupted while connecting to " + uri, ie);
                    }
                }
            }
        }
        throw new BackendUnavailableException("could not open an etcd session at " + uri + " within the connect "
                + "timeout of " + timeout + (last == null ? "" : ": " + Futures.unwrap(last)), last);
    }

    /**
     * One grant with the keep-alive timeout as deadline (shorter than the operation timeout): a grant sent to a
     * follower just before its leader died hangs until its deadline, and a grant is safe to send again (a lease
     * granted without an answer binds nothing and expires after its TTL).
     */
    private CompletableFuture<LeaseGrantResponse> grant() {
        return session.client().getLeaseClient().grant(requestTtlSeconds, keepAliveTimeoutMs, TimeUnit.MILLISECONDS);
    }

    private void granted(LeaseGrantResponse r, long sentNanos) {
        synchronized (lock) {
            leaseId = r.getID();
            grantedTtlSeconds = r.getTTL();
            lastRenewSentNanos = sentNanos;
            failedRounds = 0;
            scheduleExpiry();
        }
        session.states().confirmed(sentNanos);
        if (r.getTTL() * 1000 != askedTtlMs) {
            LOG.info("{}: asked for a session TTL of {} ms, etcd granted a lease of {} s (whole seconds, at least "
                    + "etcd's minimum: rounded up)", uri, askedTtlMs, r.getTTL());
        }
    }

    /** @return the lease TTL etcd granted: whole seconds, the asked-for TTL rounded up, at least etcd's minimum */
    Duration grantedTtl() {
        return Duration.ofSeconds(grantedTtlSeconds);
    }

    private long ttlMs() {
        return grantedTtlSeconds * 1000;
    }

    private long intervalMs() {
        return Math.max(100, ttlMs() / 3);
    }

    private void scheduleRound(long delayMs) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (nextRound != null) {
                nextRound.cancel(false);
            }
            nextRound = session.schedule(this::round, delayMs);
        }
    }

    /** Called with the lock held. */
    private void scheduleExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
        }
        long left = lastRenewSentNanos + TimeUnit.MILLISECONDS.toNanos(ttlMs()) - System.nanoTime();
        long lease = leaseId;
        expiry = session.schedule(() -> expired(lease), TimeUnit.NANOSECONDS.toMillis(left) + 1);
    }

    private void expired(long lease) {
        synchronized (lock) {
            if (closed || leaseId != lease || lease == 0) {
                return;
            }
            long age = System.nanoTime() - lastRenewSentNanos;
            if (age < TimeUnit.MILLISECONDS.toNanos(ttlMs())) {
                scheduleExpiry();
                return;
            }
        }
        LOG.warn("{}: no keep-alive of lease 0x{} succeeded within its TTL of {} s; the lease is presumed gone", uri,
                Long.toHexString(lease), grantedTtlSeconds);
        lose(lease, Loss.NOT_RENEWED);
    }

    private void round() {
        long lease;
        List<EtcdSession.MemberChannel> targets;
        long round;
        synchronized (lock) {
            if (closed || regranting || leaseId == 0) {
                return;
            }
            if (roundInFlight != 0) {
                scheduleRound(RETRY_MS);
                return;
            }
            lease = leaseId;
            List<EtcdSession.MemberChannel> all = session.members();
            targets = failedRounds == 0 ? List.of(all.get(Math.floorMod(preferred, all.size()))) : all;
            round = ++rounds;
            roundInFlight = round;
        }
        long sent = System.nanoTime();
        AtomicInteger pending = new AtomicInteger(targets.size());
        CompletableFuture<Void> done = new CompletableFuture<>();
        for (EtcdSession.MemberChannel m : targets) {
            keepAliveOnce(m, lease).whenComplete((ttl, t) -> {
                if (t == null && ttl > 0) {
                    if (done.complete(null)) {
                        renewed(round, lease, m, sent, ttl);
                    }
                } else if (t == null) {
                    if (done.complete(null)) {
                        endRound(round);
                        goneOnEtcd(lease, m);
                    }
                } else {
                    if (Errors.isLeaseNotFound(t)) {
                        if (done.complete(null)) {
                            endRound(round);
                            goneOnEtcd(lease, m);
                        }
                        return;
                    }
                    LOG.debug("{}: keep-alive of lease 0x{} through {} failed: {}", uri, Long.toHexString(lease), m,
                            t.toString());
                    m.channel.resetConnectBackoff();
                    if (pending.decrementAndGet() == 0 && done.complete(null)) {
                        failed(round, lease);
                    }
                }
            });
        }
    }

    private void endRound(long round) {
        synchronized (lock) {
            if (roundInFlight == round) {
                roundInFlight = 0;
            }
        }
    }

    private void renewed(long round, long lease, EtcdSession.MemberChannel m, long sentNanos, long ttl) {
        boolean wasSuspended;
        synchronized (lock) {
            if (roundInFlight == round) {
                roundInFlight = 0;
            }
            if (closed || leaseId != lease) {
                return;
            }
            lastRenewSentNanos = Math.max(lastRenewSentNanos, sentNanos);
            grantedTtlSeconds = ttl;
            renewals.incrementAndGet();
            wasSuspended = failedRounds > 0 || session.states().state() == SessionState.SUSPENDED;
            failedRounds = 0;
            preferred = session.members().indexOf(m);
            scheduleExpiry();
        }
        session.states().confirmed(sentNanos);
        if (wasSuspended) {
            session.reconnectNow(true);
            session.states().renewed();
        }
        scheduleRound(intervalMs());
    }

    private void failed(long round, long lease) {
        boolean suspend;
        synchronized (lock) {
            if (roundInFlight == round) {
                roundInFlight = 0;
            }
            if (closed || leaseId != lease) {
                return;
            }
            failedRounds++;
            preferred++;
            long age = System.nanoTime() - lastRenewSentNanos;
            suspend = failedRounds >= 2 || age > TimeUnit.MILLISECONDS.toNanos(ttlMs() / 2);
        }
        if (suspend) {
            session.states().suspended();
        }
        scheduleRound(RETRY_MS);
    }

    /** etcd answered that the lease does not exist. */
    private void goneOnEtcd(long lease, EtcdSession.MemberChannel m) {
        long age;
        synchronized (lock) {
            age = (System.nanoTime() - lastRenewSentNanos) / 1_000_000;
        }
        if (age < ttlMs()) {
            LOG.warn("{}: etcd ({}) says lease 0x{} is gone although it was renewed {} ms ago, within its TTL of {} s: "
                    + "etcd revoked it. A known etcd bug does this when a leader that was frozen or stalled resumes "
                    + "and revokes the leases that expired in its own stale view (etcd #15247, fixed by etcd "
                    + "#16822, backported to 3.5 and 3.4 in 2024; Debian's 3.4.23 has it)", uri, m, Long.toHexString(lease), age,
                    grantedTtlSeconds);
            lose(lease, Loss.REVOKED_BY_ETCD);
        } else {
            LOG.warn("{}: etcd ({}) says lease 0x{} is gone (last renewal {} ms ago, TTL {} s)", uri, m,
                    Long.toHexString(lease), age, grantedTtlSeconds);
            lose(lease, Loss.GONE);
        }
    }

    private void lose(long lease, Loss why) {
        synchronized (lock) {
            if (closed || leaseId != lease || lease == 0) {
                return;
            }
            leaseId = 0;
            losses.add(why);
            formerLeases.add(lease);
            regranting = true;
            roundInFlight = 0;
            if (expiry != null) {
                expiry.cancel(false);
            }
        }
        session.states().lost();
        regrant(lease);
    }

    /** Revokes the lost lease (best effort), then grants a new one; again every 500 ms until granted. */
    private void regrant(long old) {
        if (closed) {
            return;
        }
        CompletableFuture<Void> revoked = old == 0 ? CompletableFuture.completedFuture(null)
                : session.client().getLeaseClient().revoke(old).handle((r, t) -> null);
        revoked.thenCompose(v -> {
            long sent = System.nanoTime();
            return grant().thenApply(r -> new Object[]{r, sent});
        }).whenCompleteAsync((pair, t) -> {
            if (closed) {
                if (pair != null) {
                    session.client().getLeaseClient().revoke(((LeaseGrantResponse) pair[0]).getID());
                }
                return;
            }
            if (t != null) {
                LOG.debug("{}: new lease not granted yet: {}", uri, t.toString());
                // the revoke of the old lease is tried again with the next attempt
                session.schedule(() -> regrant(old), REGRANT_MS);
                return;
            }
            granted((LeaseGrantResponse) pair[0], (Long) pair[1]);
            synchronized (lock) {
                regranting = false;
                preferred = 0;
            }
            LOG.info("{}: new session lease 0x{}, {}", uri, Long.toHexString(leaseId), ttlDescription());
            session.reconnectNow(true);
            session.states().newSession();
            scheduleRound(intervalMs());
        }, session::runSafely);
    }

    /**
     * One keep-alive on its own stream to one member, with a deadline.
     *
     * @return the TTL etcd answered (0: the lease is gone)
     */
    private CompletableFuture<Long> keepAliveOnce(EtcdSession.MemberChannel m, long lease) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        if (session.spec().credentials().isPresent()) {
            // the plain channels carry no auth token: go through jetcd, which authenticates (its channel picks
            // the member by round robin)
            session.client().getLeaseClient().keepAliveOnce(lease).whenComplete((r, t) -> {
                if (t != null) {
                    f.completeExceptionally(t);
                } else {
                    f.complete(r.getTTL());
                }
            });
            return f;
        }
        try {
            LeaseGrpc.LeaseStub stub = LeaseGrpc.newStub(m.channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(REQUIRE_LEADER))
                    .withDeadlineAfter(keepAliveTimeoutMs, TimeUnit.MILLISECONDS);
            StreamObserver<LeaseKeepAliveRequest> requests = stub.leaseKeepAlive(
                    new StreamObserver<LeaseKeepAliveResponse>() {
                        @Override
                        public void onNext(LeaseKeepAliveResponse r) {
                            f.complete(r.getTTL());
                        }

                        @Override
                        public void onError(Throwable t) {
                            f.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            f.completeExceptionally(new IllegalStateException("keep-alive stream ended without "
                                    + "an answer"));
                        }
                    });
            requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(lease).build());
            f.whenComplete((r, t) -> {
                try {
                    if (t == null) {
                        requests.onCompleted();
                    } else if (requests instanceof ClientCallStreamObserver<?> c) {
                        c.cancel("keep-alive given up", null);
                    }
                } catch (RuntimeException ignored) {
                    // the call already ended
                }
            });
        } catch (RuntimeException e) {
            f.completeExceptionally(e);
        }
        return f;
    }

    /** Stops keeping the lease alive and revokes it (waits at most half the operation timeout). */
    void close() {
        long lease;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lease = leaseId;
            if (nextRound != null) {
                nextRound.cancel(false);
            }
            if (expiry != null) {
                expiry.cancel(false);
            }
        }
        if (lease != 0) {
            try {
                session.client().getLeaseClient().revoke(lease)
                        .get(Math.max(1, session.spec().operationTimeout().toMillis() / 2), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("{}: revoking lease 0x{} on close failed (it expires by itself): {}", uri,
                        Long.toHexString(lease), e.toString());
            }
        }
    }

    private static Metadata requireLeader() {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER), "true");
        return m;
    }
}
