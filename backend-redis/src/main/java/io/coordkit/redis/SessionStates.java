package io.coordkit.redis;

import io.coordkit.session.SessionState;
import io.coordkit.spi.SessionEvents;
import io.coordkit.spi.SessionStateMachine;

/**
 * Where what the liveness key tells becomes session states (SES-4 to SES-6), through the SPI's
 * {@link SessionStateMachine}: a failed renewal is lost contact (SUSPENDED), a renewal that succeeds before the key
 * expired is the same session back (RECONNECTED), a key found gone or a local clock past its expiry is the session
 * lost (LOST), and a new key after a loss is a new session (CONNECTED). Every renewal Redis answered confirms the
 * session to the core (SES-8): the key lives until at least the renewal's send time plus the TTL.
 */
final class SessionStates {

    private final SessionEvents events;
    private final SessionStateMachine machine;

    SessionStates(SessionEvents events) {
        this.events = events;
        this.machine = new SessionStateMachine("redis liveness key", 0, events);
    }

    SessionState state() {
        return machine.state();
    }

    /** A renewal failed or the connection dropped. */
    void renewalFailed() {
        machine.contactLost();
    }

    /** A renewal succeeded before the key's expiry. */
    void renewed() {
        machine.sessionOpen(machine.sessionId());
    }

    /** The key is gone, or the local clock is past its expiry. */
    void expired() {
        machine.sessionLost();
    }

    /** A new key was made; it is a new session only after a loss (the first key is the session connect made). */
    void opened() {
        if (machine.state() == SessionState.LOST) {
            machine.report(SessionState.CONNECTED);
        }
    }

    /** @param sentNanos when a SET of the key that Redis answered with OK left (SES-8) */
    void confirmed(long sentNanos) {
        events.confirmed(sentNanos);
    }
}
