package io.coordkit.spi;

import io.coordkit.session.SessionState;

/**
 * Where a backend reports session state changes after {@link CoordinationProvider#connect} returned. The
 * backend reports {@code SUSPENDED} as soon as contact is lost, {@code RECONNECTED} when the same session is
 * back, {@code LOST} when the session is gone, and {@code CONNECTED} when it has opened a new session after a
 * loss (the backend opens it by itself). {@code CLOSED} is reported by the core. Calls must come in the order
 * of the changes; the core relays them to the application on its own threads, so calling is cheap.
 *
 * <p>The core keeps the machine of {@link SessionState} whatever it is told, with {@link SessionStateMachine#report}
 * (a {@code CONNECTED} that does not follow {@code LOST} is a new session, a {@code LOST} while connected comes
 * after {@code SUSPENDED}, what does not fit is dropped); nothing is applied once the coordinator is closing. A
 * backend does best to feed its own observations (contact lost, session gone, contact with session N) to a
 * {@link SessionStateMachine} whose sink is this: the states it reports then already follow the machine, and the
 * backend's own listeners can hear the same states.
 */
@FunctionalInterface
public interface SessionEvents {
    /** @param state the new state */
    void stateChanged(SessionState state);

    /**
     * Tells the core that the engine answered, in the current session, a request that was sent at
     * {@code sentAtNanos} ({@link System#nanoTime()} taken <em>before</em> sending): the engine cannot expire the
     * session before {@code sentAtNanos + TTL}. The core answers {@code LockLease.isValid()} and
     * {@code Candidate.isLeader()} from this clock at every call (SES-8): once a whole TTL has passed since the
     * last confirmation, the session may be gone on the engine, so nothing bound to it is trusted, even before
     * the backend has noticed anything (a process that resumes after a freeze or a long GC pause fails its first
     * check).
     *
     * <p>A backend reports a confirmation at least every third of the TTL while the engine is reachable: from
     * its keep-alive or heartbeat answers (an etcd lease keep-alive, a Redis liveness-key renewal) or, where the
     * engine client hides those (ZooKeeper's pings), from a light request of its own. A backend that never
     * confirms has every lease invalid one TTL after connecting: the TCK's SES-8 and lock rules show it.
     * Confirmations that arrive out of order are fine: the core keeps the latest.
     *
     * @param sentAtNanos when the confirmed request was sent, on the {@link System#nanoTime()} clock
     */
    default void confirmed(long sentAtNanos) {
    }
}
