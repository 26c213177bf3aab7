package io.coordkit.redis;

import io.coordkit.spi.Futures;
import io.coordkit.Subscription;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Locks, read-write locks and semaphores on Redis, one algorithm for all (see {@link Scripts#LOCK_TRY}): an attempt
 * joins the lock's queue (a sorted set in arrival order) and is granted, in one script, when its turn has come and
 * the holders allow it: an exclusive or write lease when there is no holder and it is first; a read lease when no
 * writer holds and no writer waits ahead of it; a permit when fewer than {@code permits} hold and it is among the
 * first {@code permits - holders} of the queue. The grant takes the fencing token from the lock's counter in the
 * same script. Holders and waiters carry their session id and count only while the session key lives; waiters
 * also carry the end of their wait, so an attempt whose cancellation never reached Redis stops blocking the queue
 * when its wait is over.
 *
 * <p>A waiting attempt does not poll: it re-runs its step when the lock's channel publishes a change (a release,
 * a grant that may let more readers in, a purge), and on the {@link Notifier}'s re-check timer, which also finds
 * holders whose session expired (expiry publishes nothing).
 */
final class RedisLocks implements LockBackend {

    private final Link link;
    private final Keys keys;
    private final SessionKeeper session;
    private final Notifier notifier;
    private final Executor executor;
    private final ScheduledExecutorService scheduler;
    private final Replication replication;
    private final Set<Lease> held = ConcurrentHashMap.newKeySet();

    RedisLocks(Link link, Keys keys, SessionKeeper session, Notifier notifier, Executor executor,
               ScheduledExecutorService scheduler, Replication replication) {
        this.link = link;
        this.keys = keys;
        this.session = session;
        this.notifier = notifier;
        this.executor = executor;
        this.scheduler = scheduler;
        this.replication = replication;
    }

    @Override
    public CompletableFuture<Optional<BackendLease>> acquire(LockRequest request, Runnable onLost) {
        Attempt a = new Attempt(request, onLost);
        return a.start();
    }

    /**
     * Checks that every lease handed out is still on Redis, and reports those that are not ({@code onLost}). Run by
     * the session before it reports RECONNECTED: with Sentinel, a failover can keep the session key (replicated)
     * but lose a grant made just before it; such a lease must not turn HELD again.
     *
     * @return completes when every lease was checked (failures count as still held: the session is then
     *         suspended again by its next renewal)
     */
    CompletableFuture<Void> verifyHeld() {
        String current;
        try {
            current = session.sid();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
        held.removeIf(l -> !l.sid.equals(current)); // leases of a lost session: the core has them LOST already
        List<CompletableFuture<?>> checks = new ArrayList<>();
        for (Lease l : held) {
            checks.add(link.<Boolean>call("check lease of '" + l.request.name() + "'", c -> c.hexists(l.lockKeys[0],
                    l.id)).thenAccept(present -> {
                        if (!present && held.remove(l)) {
                            l.onLost.run();
                        }
                    }));
        }
        return CompletableFuture.allOf(checks.toArray(new CompletableFuture[0])).handle((x, e) -> null);
    }

    private static String mode(LockKind kind) {
        switch (kind) {
            case EXCLUSIVE:
                return "x";
            case READ:
                return "r";
            case WRITE:
                return "w";
            default:
                return "s";
        }
    }

    /** One acquisition: its steps run one at a time on a {@link Rechecker}. */
    private final class Attempt {
        private final LockRequest request;
        private final Runnable onLost;
        private final String id = UUID.randomUUID().toString();
        private final String stem;
        private final String[] lockKeys;
        private final String channel;
        private final CompletableFuture<Optional<BackendLease>> result = new CompletableFuture<>();
        private final long deadline;
        private String sid;
        private Subscription subscription;
        private ScheduledFuture<?> timeout;
        private boolean enqueued;

        Attempt(LockRequest request, Runnable onLost) {
            this.request = request;
            this.onLost = onLost;
            this.stem = keys.lock(request.kind(), request.name());
            this.lockKeys = new String[] {stem + ":h", stem + ":q", stem + ":w", keys.lockCounters()};
            this.channel = stem + ":c";
            this.deadline = System.nanoTime() + request.maxWait().toNanos();
        }

        CompletableFuture<Optional<BackendLease>> start() {
            try {
                sid = session.sid();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            boolean once = request.maxWait().isZero();
            step(true, once).whenComplete((granted, e) -> {
                if (e != null) {
                    // the attempt may have been queued or granted by a step whose answer was lost
                    cleanUp();
                    result.completeExceptionally(e);
                } else if (granted != null) {
                    grant(granted);
                } else if (once) {
                    result.complete(Optional.empty());
                } else {
                    waitForTurn();
                }
            });
            result.whenComplete((r, e) -> {
                if (result.isCancelled()) {
                    stopWaiting();
                    cleanUp();
                }
            });
            return result;
        }

        /** @return the token when granted, null when waiting or no longer queued */
        private CompletableFuture<Long> step(boolean enqueue, boolean leave) {
            long waitMs = Math.max(0, (deadline - System.nanoTime()) / 1_000_000)
                    + link.operationTimeout().toMillis() + 1000;
            return link.eval("acquire " + request.kind().name().toLowerCase() + " lock '" + request.name() + "'",
                    Scripts.LOCK_TRY, lockKeys, stem, mode(request.kind()), request.permits(), id,
                    sid, waitMs, channel, enqueue ? "1" : "0", leave ? "1" : "0").thenApply(r -> {
                        long held = (Long) r.get(0);
                        long token = (Long) r.get(1);
                        if (held == 1) {
                            return token;
                        }
                        enqueued = token < 0;
                        return null;
                    });
        }

        private void waitForTurn() {
            long left = deadline - System.nanoTime();
            timeout = scheduler.schedule(this::giveUp, Math.max(0, left), TimeUnit.NANOSECONDS);
            // a release that can let in only the queue's head names it (Scripts.LOCK_RELEASE): the others skip
            String mine = "r:" + id;
            subscription = notifier.subscribe(channel, new Rechecker(executor, this::recheck,
                    m -> !m.startsWith("r:") || m.equals(mine)));
        }

        private CompletableFuture<?> recheck() {
            if (result.isDone()) {
                return CompletableFuture.completedFuture(null);
            }
            return step(false, false).handle((granted, e) -> {
                if (e == null && granted != null) {
                    stopWaiting();
                    grant(granted);
                } else if (e == null && !enqueued && !result.isDone()) {
                    // dropped from the queue (its wait is over on Redis)
                    stopWaiting();
                    result.complete(Optional.empty());
                } else if (e != null && Futures.unwrap(e) instanceof io.coordkit.SessionLostException) {
                    stopWaiting();
                    result.completeExceptionally(Futures.unwrap(e));
                }
                return null;
            });
        }

        private void giveUp() {
            stopWaiting();
            // Withdraw; if a grant came first, the release script gives it back (LCK-7).
            link.evalAnyTime("withdraw a lock attempt", Scripts.LOCK_RELEASE, lockKeys, id, channel)
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            cleanUpLater(1);
                        }
                        result.complete(Optional.empty());
                    });
        }

        private void stopWaiting() {
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (subscription != null) {
                subscription.close();
            }
        }

        private void grant(long token) {
            Lease lease = new Lease(request, id, sid, lockKeys, channel, token, onLost);
            replication.await("acquire lock '" + request.name() + "'").whenComplete((x, e) -> {
                if (e != null) {
                    lease.release();
                    result.completeExceptionally(e);
                } else if (result.complete(Optional.of(lease))) {
                    held.add(lease);
                } else {
                    lease.release();
                }
            });
        }

        private void cleanUp() {
            link.evalAnyTime("withdraw a lock attempt", Scripts.LOCK_RELEASE, lockKeys, id, channel)
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            cleanUpLater(1);
                        }
                    });
        }

        /** Retries a withdrawal that failed; the entry also ends with the session or its wait. */
        private void cleanUpLater(int attempt) {
            if (attempt > 20) {
                return;
            }
            scheduler.schedule(() -> link.evalAnyTime("withdraw a lock attempt", Scripts.LOCK_RELEASE, lockKeys,
                    id, channel).whenComplete((r, e) -> {
                        if (e != null) {
                            cleanUpLater(attempt + 1);
                        }
                    }), Math.min(5000, 100L << Math.min(attempt, 6)), TimeUnit.MILLISECONDS);
        }
    }

    /** A granted lease. */
    private final class Lease implements BackendLease {
        private final LockRequest request;
        private final String id;
        private final String[] lockKeys;
        private final String channel;
        private final long token;
        private final Runnable onLost;
        private final String sid;

        Lease(LockRequest request, String id, String sid, String[] lockKeys, String channel, long token,
              Runnable onLost) {
            this.request = request;
            this.id = id;
            this.sid = sid;
            this.lockKeys = lockKeys;
            this.channel = channel;
            this.token = token;
            this.onLost = onLost;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public CompletableFuture<Void> release() {
            held.remove(this);
            return link.evalAnyTime("release lock '" + request.name() + "'", Scripts.LOCK_RELEASE, lockKeys, id,
                    channel).thenApply(r -> (Void) null);
        }

        @Override
        public String toString() {
            return request.kind() + " lease of '" + request.name() + "' token " + token;
        }
    }
}
