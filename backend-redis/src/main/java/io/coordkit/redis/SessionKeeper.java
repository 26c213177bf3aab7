package io.coordkit.redis;

import io.coordkit.spi.Futures;
import io.coordkit.BackendUnavailableException;
import io.coordkit.CoordinationException;
import io.coordkit.SessionLostException;
import io.coordkit.session.SessionState;
import io.lettuce.core.SetArgs;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Emulates a session with a liveness key {@code <base>s:<sid>} whose TTL is the session TTL, renewed every third of
 * it ({@code SET XX PX}: renews only a key that still exists, so a renewal can never bring back an expired
 * session). Locks, registrations and candidacies carry the sid and count only while the key exists: when the
 * process dies or freezes, Redis expires the key at most one TTL after the last renewal and everything bound to
 * the session is gone with it, without the client's help.
 *
 * <p>The client's own view (mapped by {@link SessionStates}): a renewal that fails or times out (or a dropped
 * connection) is SUSPENDED; a later renewal that succeeds while the local monotonic clock is still before the
 * expiry the last successful renewal guaranteed (its send time plus the TTL) is RECONNECTED; a key found gone,
 * or the clock past that expiry (after a freeze of this process, for example), is LOST, and the old key is deleted
 * so that nothing of the old session outlives it; a new key with a new sid is then CONNECTED.
 *
 * <p>A sid is the coordinator's random id, a dot and a counter, so that a registration renewed in a new session
 * can recognise the entry of this coordinator's old session.
 */
final class SessionKeeper {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] VALUE = Link.bytes("1");

    private final Link link;
    private final Keys keys;
    private final Duration ttl;
    private final SessionStates states;
    private final ScheduledExecutorService scheduler;
    private final String coordinatorId;
    private final long renewEveryMs;
    private final long retryEveryMs;
    private final long renewTimeoutMs;
    private final boolean reresolveOnTimeout;
    private int counter;
    private volatile String sid;
    /** Written by the keeper's thread, read by others ({@link #heldBy}). */
    private volatile long expiresAt;
    private boolean busy;
    private ScheduledFuture<?> next;
    private volatile boolean closed;
    private volatile java.util.function.Supplier<CompletableFuture<?>> beforeReconnected =
            () -> CompletableFuture.completedFuture(null);

    /**
     * @param reresolveOnTimeout true with Sentinel: a renewal that times out drops the connection, so that the next
     *                           one asks the Sentinels again (the master may be frozen and replaced); on a single
     *                           server a new connection would reach the same server and only add round trips to a
     *                           slow one, so a suspended session's renewal waits instead, up to the expiry
     */
    SessionKeeper(Link link, Keys keys, Duration ttl, SessionStates states, ScheduledExecutorService scheduler,
                  boolean reresolveOnTimeout) {
        this.reresolveOnTimeout = reresolveOnTimeout;
        this.link = link;
        this.keys = keys;
        this.ttl = ttl;
        this.states = states;
        this.scheduler = scheduler;
        byte[] id = new byte[9];
        RANDOM.nextBytes(id);
        this.coordinatorId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        this.renewEveryMs = Math.max(50, ttl.toMillis() / 3);
        this.retryEveryMs = Math.max(50, Math.min(250, ttl.toMillis() / 10));
        this.renewTimeoutMs = Math.max(50, Math.min(link.operationTimeout().toMillis(), ttl.toMillis() / 3));
    }

    /**
     * Makes the first session key, trying until the deadline.
     *
     * @param connectTimeout how long to try
     * @throws BackendUnavailableException if no key could be made in time
     */
    void open(Duration connectTimeout) {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        Throwable last = null;
        while (true) {
            String candidate = nextSid();
            long left = deadline - System.nanoTime();
            long[] sent = new long[1];
            try {
                String r = link.call("open a session", c -> {
                    sent[0] = System.nanoTime(); // when the command leaves, not when the connection was asked for
                    return c.set(keys.session(candidate), VALUE, SetArgs.Builder.nx().px(ttl.toMillis()));
                }).get(Math.max(1, left), TimeUnit.NANOSECONDS);
                if ("OK".equals(r)) {
                    sid = candidate;
                    expiresAt = sent[0] + ttl.toNanos();
                    states.confirmed(sent[0]);
                    schedule(renewEveryMs);
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted while connecting to " + link.uri(), e);
            } catch (java.util.concurrent.TimeoutException e) {
                last = e;
            } catch (java.util.concurrent.ExecutionException e) {
                last = Futures.unwrap(e);
                if (last instanceof CoordinationException && !(last instanceof BackendUnavailableException)
                        && !(last instanceof io.coordkit.CoordinationTimeoutException)) {
                    throw new BackendUnavailableException("cannot open a session on " + link.uri() + ": "
                            + last.getMessage(), last);
                }
            }
            if (System.nanoTime() + retryEveryMs * 1_000_000 > deadline) {
                throw new BackendUnavailableException("no session could be opened on " + link.uri() + " within "
                        + connectTimeout + (last == null ? "" : ": " + last.getMessage()), last);
            }
            LockSupport.parkNanos(retryEveryMs * 1_000_000);
        }
    }

    /** @param check runs after a successful renewal of a suspended session, before RECONNECTED is told */
    void beforeReconnected(java.util.function.Supplier<CompletableFuture<?>> check) {
        this.beforeReconnected = check;
    }

    /** @return the current session's id; throws when between sessions */
    String sid() {
        String s = sid;
        if (s == null) {
            throw new SessionLostException("the session on " + link.uri() + " is lost; a new one is being opened");
        }
        return s;
    }

    /**
     * @param sessionId a session id
     * @return true if it is the current session and the local clock is before the expiry its last renewal
     *         guaranteed: false after a freeze of this process past the TTL, before the keeper has told LOST
     */
    boolean heldBy(String sessionId) {
        return sessionId.equals(sid) && System.nanoTime() - expiresAt < 0;
    }

    /** @return the prefix of every sid of this coordinator, dot included */
    String coordinatorPrefix() {
        return coordinatorId + ".";
    }

    /** The connection dropped or a command failed: suspend at once and renew soon. */
    void connectionBroken() {
        scheduler.execute(() -> {
            if (closed) {
                return;
            }
            states.renewalFailed();
            if (!busy) {
                schedule(retryEveryMs);
            }
        });
    }

    private String nextSid() {
        return coordinatorId + "." + (++counter);
    }

    private void schedule(long delayMs) {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = scheduler.schedule(this::tick, delayMs, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (closed || busy) {
            return;
        }
        if (states.state() == SessionState.LOST || sid == null) {
            createNew();
        } else if (System.nanoTime() - expiresAt >= 0) {
            lose();
        } else {
            renew();
        }
    }

    private void renew() {
        String current = sid;
        long asked = System.nanoTime();
        long[] dispatched = {asked};
        busy = true;
        // Connected: a renewal must answer within a third of the TTL, so that a client cut off is SUSPENDED before
        // Redis can expire its key. Suspended: give it until the expiry (unless the connection is to be re-made).
        long timeout = states.state() == SessionState.SUSPENDED && !reresolveOnTimeout
                ? Math.max(renewTimeoutMs, (expiresAt - asked) / 1_000_000) : renewTimeoutMs;
        link.call("renew the session", c -> {
                    dispatched[0] = System.nanoTime();
                    return c.set(keys.session(current), VALUE, SetArgs.Builder.xx().px(ttl.toMillis()));
                })
                .orTimeout(timeout, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    busy = false;
                    long sent = dispatched[0];
                    if (closed || !current.equals(sid)) {
                        return;
                    }
                    if (e == null && "OK".equals(r)) {
                        if (sent - expiresAt >= 0) {
                            lose();
                            return;
                        }
                        expiresAt = sent + ttl.toNanos();
                        states.confirmed(sent);
                        if (states.state() != SessionState.SUSPENDED) {
                            schedule(renewEveryMs);
                            return;
                        }
                        busy = true;
                        CompletableFuture<?> check;
                        try {
                            check = beforeReconnected.get();
                        } catch (RuntimeException x) {
                            check = CompletableFuture.completedFuture(null);
                        }
                        check.orTimeout(renewTimeoutMs, TimeUnit.MILLISECONDS).whenCompleteAsync((x, y) -> {
                            busy = false;
                            if (closed || !current.equals(sid)) {
                                return;
                            }
                            states.renewed();
                            schedule(renewEveryMs);
                        }, scheduler);
                    } else if (e == null) {
                        lose();
                    } else {
                        if (reresolveOnTimeout && Futures.unwrap(e) instanceof java.util.concurrent.TimeoutException) {
                            link.dropCurrent();
                        }
                        states.renewalFailed();
                        schedule(retryEveryMs);
                    }
                }, scheduler);
    }

    private void lose() {
        String old = sid;
        sid = null;
        states.expired();
        if (old != null) {
            // Nothing of the old session may outlive it: its key may still exist on Redis (our clock ran out first).
            link.call("end the lost session", c -> c.del(keys.session(old)));
        }
        createNew();
    }

    private void createNew() {
        String candidate = nextSid();
        long[] dispatched = {System.nanoTime()};
        busy = true;
        link.call("open a new session", c -> {
                    dispatched[0] = System.nanoTime();
                    return c.set(keys.session(candidate), VALUE, SetArgs.Builder.nx().px(ttl.toMillis()));
                })
                .orTimeout(renewTimeoutMs, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((r, e) -> {
                    busy = false;
                    if (closed) {
                        if ("OK".equals(r)) {
                            link.call("end the session", c -> c.del(keys.session(candidate)));
                        }
                        return;
                    }
                    if (e == null && "OK".equals(r)) {
                        sid = candidate;
                        expiresAt = dispatched[0] + ttl.toNanos();
                        states.opened();
                        states.confirmed(dispatched[0]);
                        schedule(renewEveryMs);
                    } else {
                        schedule(retryEveryMs);
                    }
                }, scheduler);
    }

    /**
     * Stops renewing and deletes the session key, so that Redis drops everything bound to the session at once.
     *
     * @return completes when deleted (or failed)
     */
    CompletableFuture<?> close() {
        CompletableFuture<CompletableFuture<?>> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                closed = true;
                if (next != null) {
                    next.cancel(false);
                }
                String s = sid;
                sid = null;
                done.complete(s == null ? CompletableFuture.completedFuture(null)
                        : link.call("end the session", c -> c.del(keys.session(s))));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null);
        }
        return done.thenCompose(f -> f);
    }
}
