package io.coordkit.redis;

import io.coordkit.session.SessionState;
import io.coordkit.spi.SessionEvents;

/**
 * The one place where what the liveness key tells is mapped onto session states (SES-4 to SES-6); the rules are
 * those of {@link SessionEvents}: a failed renewal suspends, a renewal that succeeds before the key expired
 * reconnects the same session, a key found gone or a local clock past the expiry loses it, and a new key is a new
 * session. Each change is told once and in order. Not thread-safe: called from the session's scheduler thread.
 */
final class SessionStates {

    private final SessionEvents events;
    private SessionState state = SessionState.CONNECTED;

    SessionStates(SessionEvents events) {
        this.events = events;
    }

    SessionState state() {
        return state;
    }

    /** A renewal failed or the connection dropped. */
    void renewalFailed() {
        if (state == SessionState.CONNECTED || state == SessionState.RECONNECTED) {
            tell(SessionState.SUSPENDED);
        }
    }

    /** A renewal succeeded before the key's expiry. */
    void renewed() {
        if (state == SessionState.SUSPENDED) {
            tell(SessionState.RECONNECTED);
        }
    }

    /** The key is gone, or the local clock is past its expiry. */
    void expired() {
        if (state == SessionState.CONNECTED || state == SessionState.RECONNECTED) {
            tell(SessionState.SUSPENDED);
        }
        if (state == SessionState.SUSPENDED) {
            tell(SessionState.LOST);
        }
    }

    /** A new key was made after a loss. */
    void opened() {
        if (state == SessionState.LOST) {
            tell(SessionState.CONNECTED);
        }
    }

    private void tell(SessionState next) {
        state = next;
        events.stateChanged(next);
    }
}
