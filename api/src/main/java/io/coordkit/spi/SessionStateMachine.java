package io.coordkit.spi;

import io.coordkit.session.SessionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns what a backend observes of its engine into session states that always follow the machine of
 * {@link SessionState}, and reports them, in order, to a {@link SessionEvents} sink. The one place that knows the
 * machine: the core runs what backends report through it, and backends feed it their raw observations, so that no
 * backend has to get the order right by hand.
 *
 * <pre>
 *   CONNECTED ──contactLost──▶ SUSPENDED ──sessionOpen(same id)──▶ RECONNECTED ──contactLost──▶ SUSPENDED ...
 *                                  │
 *                                  └──sessionLost──▶ LOST ──sessionOpen(any id)──▶ CONNECTED
 * </pre>
 *
 * What it adds or drops so that the machine holds:
 * <ul>
 *   <li>a loss while connected is reported as {@code SUSPENDED} then {@code LOST} (LOST only ever follows
 *   SUSPENDED);</li>
 *   <li>contact with a session other than the current one means the current one is gone: {@code SUSPENDED} (if
 *   connected), {@code LOST}, then {@code CONNECTED} (and with {@link #report}, a {@code CONNECTED} that does not
 *   follow {@code LOST} is taken the same way, so that leases are lost and registrations made again);</li>
 *   <li>{@code RECONNECTED} only after {@code SUSPENDED}, {@code SUSPENDED} only while connected: anything else is
 *   dropped, as is a repeated state and {@code CLOSED} (the core reports CLOSED itself).</li>
 * </ul>
 *
 * <p>Session ids are whatever tells one session from the next on the engine: ZooKeeper's session id, the id of
 * an etcd lease, the id of a Hazelcast CP session, a counter or a random number for a session a backend emulates
 * (a Redis liveness key, for example: a new key value after the old key expired is a new session). A backend that
 * cannot tell sessions apart uses {@link #report} with the states it means.
 *
 * <p>A backend that keeps its session alive itself (an etcd lease, a Redis key refreshed on a timer) maps its
 * observations like this:
 * <pre>{@code
 * SessionStateMachine session = new SessionStateMachine(spec.uri(), lease.id(), events);
 * // keep-alive failed or timed out, the lease may still live:
 * session.contactLost();                // CONNECTED -> SUSPENDED
 * // keep-alive answered for the same lease:
 * session.sessionOpen(lease.id());      // SUSPENDED -> RECONNECTED
 * // the engine says the lease expired, or the TTL passed without an answer:
 * session.sessionLost();                // -> SUSPENDED (if still connected) -> LOST
 * // a new lease was granted:
 * session.sessionOpen(newLease.id());   // LOST -> CONNECTED (from SUSPENDED or CONNECTED: LOST first)
 * }</pre>
 *
 * <p>Thread-safe. Every observation reports to the sink before it returns, while holding this object's lock, so
 * that changes reach the sink one at a time and in order; the sink must not block (the core's sink only queues).
 * {@link #state()}, {@link #sessionId()} and {@link #isFormerSession} never block, so code that a sink calls into
 * may read them under locks of its own.
 */
public final class SessionStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(SessionStateMachine.class);

    private final String name;
    private final SessionEvents sink;
    private final Set<Long> formerSessions = ConcurrentHashMap.newKeySet();
    /** Written under this object's lock; read without it (a listener may hold locks a reader holds too). */
    private volatile SessionState state = SessionState.CONNECTED;
    /** Written under this object's lock. */
    private volatile long sessionId;

    /**
     * Starts in {@code CONNECTED}: {@link CoordinationProvider#connect} returns once the first session is open.
     *
     * @param name      names the session in log messages, for example the masked URI
     * @param sessionId the id of the first session (0 if the backend has no ids)
     * @param sink      where the states go
     */
    public SessionStateMachine(String name, long sessionId, SessionEvents sink) {
        this.name = name;
        this.sessionId = sessionId;
        this.sink = sink;
    }

    /** @return the state last reported ({@code CONNECTED} before any change) */
    public SessionState state() {
        return state;
    }

    /** @return the id of the current session: the last one opened, or the one lost last while LOST */
    public long sessionId() {
        return sessionId;
    }

    /**
     * @param id a session id
     * @return true if it is the id of a session that was reported LOST
     */
    public boolean isFormerSession(long id) {
        return formerSessions.contains(id);
    }

    /**
     * Contact with the engine is lost, but the session may live on: {@code SUSPENDED} if connected, else nothing.
     */
    public synchronized void contactLost() {
        if (state.isUsable()) {
            emit(SessionState.SUSPENDED);
        }
    }

    /** The session is gone: {@code SUSPENDED} first if still connected, then {@code LOST}; nothing if LOST. */
    public synchronized void sessionLost() {
        contactLost();
        if (state != SessionState.LOST) {
            formerSessions.add(sessionId);
            emit(SessionState.LOST);
        }
    }

    /**
     * There is contact with session {@code id}: after a loss it is a new session ({@code CONNECTED}); the current
     * session back after SUSPENDED is {@code RECONNECTED}; another session while this one was not reported lost
     * means this one is gone ({@code SUSPENDED}, {@code LOST}, then {@code CONNECTED}).
     *
     * @param id the id of the session there is contact with
     */
    public synchronized void sessionOpen(long id) {
        if (state == SessionState.LOST) {
            sessionId = id;
            emit(SessionState.CONNECTED);
        } else if (id == sessionId) {
            if (state == SessionState.SUSPENDED) {
                emit(SessionState.RECONNECTED);
            }
        } else {
            sessionLost();
            sessionId = id;
            emit(SessionState.CONNECTED);
        }
    }

    /**
     * Applies a state as a backend that does not track session ids means it (or as the core receives it through
     * {@link SessionEvents}): {@code SUSPENDED} is {@link #contactLost()}, {@code LOST} is {@link #sessionLost()},
     * {@code RECONNECTED} is the current session back, {@code CONNECTED} is a new session (after {@code LOST}
     * first if none was reported). What does not fit the machine is dropped with a warning.
     *
     * @param reported the state reported
     */
    public synchronized void report(SessionState reported) {
        SessionState previous = state;
        if (reported == SessionState.CLOSED || (reported == previous && reported != SessionState.CONNECTED)) {
            return;
        }
        switch (reported) {
            case CONNECTED -> {
                if (previous != SessionState.LOST) {
                    LOG.warn("session of {}: CONNECTED reported in {}: a new session, so the old one counts as LOST",
                            name, previous);
                    sessionLost();
                }
                emit(SessionState.CONNECTED);
            }
            case RECONNECTED -> {
                if (previous == SessionState.SUSPENDED) {
                    emit(SessionState.RECONNECTED);
                } else {
                    LOG.warn("session of {}: ignoring RECONNECTED reported in {}", name, previous);
                }
            }
            case SUSPENDED -> {
                if (previous.isUsable()) {
                    emit(SessionState.SUSPENDED);
                } else {
                    LOG.warn("session of {}: ignoring SUSPENDED reported in {}", name, previous);
                }
            }
            case LOST -> sessionLost();
            default -> {
                // CLOSED: handled above
            }
        }
    }

    private void emit(SessionState next) {
        state = next;
        try {
            sink.stateChanged(next);
        } catch (RuntimeException e) {
            LOG.warn("session of {}: the listener of session states failed on {}", name, next, e);
        }
    }

    @Override
    public String toString() {
        return "SessionStateMachine[" + name + ", " + state + ", session 0x" + Long.toHexString(sessionId) + "]";
    }
}
