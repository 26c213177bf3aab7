package io.coordkit.etcd;

import io.coordkit.session.SessionState;
import io.coordkit.spi.SessionEvents;
import io.coordkit.spi.SessionStateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the lease's fate becomes coordkit session states, through the SPI's {@link SessionStateMachine}: keep-alive
 * trouble is lost contact ({@code SUSPENDED}); a renewal of the same lease after it is the session back
 * ({@code RECONNECTED}); the lease gone (etcd says so, or no renewal within its TTL) is the session lost
 * ({@code LOST}); a new lease is a new session ({@code CONNECTED}). Each answered keep-alive or grant confirms the
 * session to the core (SES-8). States go to the core first, then to the backend's own listeners (waiting lock
 * attempts, candidacies), which must not block.
 */
final class SessionStates {

    private static final Logger LOG = LoggerFactory.getLogger(SessionStates.class);

    /** A backend-internal listener of the states. */
    @FunctionalInterface
    interface Listener {
        /** @param state the new state (never CLOSED) */
        void stateChanged(SessionState state);
    }

    private final SessionEvents events;
    private final String uri;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final SessionStateMachine machine;
    private volatile boolean closed;

    SessionStates(SessionEvents events, String uri) {
        this.events = events;
        this.uri = uri;
        this.machine = new SessionStateMachine(uri, 0, this::report);
    }

    /** @return the state last reported */
    SessionState state() {
        return machine.state();
    }

    /** Keep-alives fail: the lease may live, contact is in doubt. */
    void suspended() {
        machine.contactLost();
    }

    /** A keep-alive of the same lease succeeded. */
    void renewed() {
        machine.sessionOpen(machine.sessionId());
    }

    /** The lease is gone or presumed gone. */
    void lost() {
        machine.sessionLost();
    }

    /** A new lease replaces a lost one. */
    synchronized void newSession() {
        machine.sessionLost();
        machine.report(SessionState.CONNECTED);
    }

    /** @param sentNanos when a keep-alive or grant that etcd answered for the current lease was sent (SES-8) */
    void confirmed(long sentNanos) {
        if (!closed) {
            events.confirmed(sentNanos);
        }
    }

    void addListener(Listener l) {
        listeners.add(l);
    }

    void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Stops reporting. */
    void close() {
        closed = true;
        listeners.clear();
    }

    private void report(SessionState s) {
        if (closed) {
            return;
        }
        LOG.info("{}: session {}", uri, s);
        try {
            events.stateChanged(s);
        } catch (RuntimeException e) {
            LOG.warn("{}: the core's session listener failed on {}", uri, s, e);
        }
        for (Listener l : listeners) {
            try {
                l.stateChanged(s);
            } catch (RuntimeException e) {
                LOG.warn("{}: a session listener failed on {}", uri, s, e);
            }
        }
    }
}
