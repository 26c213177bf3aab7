package io.coordkit.etcd;

import io.coordkit.session.SessionState;
import io.coordkit.spi.SessionEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The one place where the lease's fate becomes coordkit session states: keep-alive trouble →
 * {@code SUSPENDED}; a renewal after trouble → {@code RECONNECTED}; the lease gone (etcd says so, or no renewal
 * within its TTL) → {@code LOST}; a new lease → {@code CONNECTED}. Reports always follow {@link SessionState}'s
 * machine (a loss straight from CONNECTED is reported as SUSPENDED then LOST). Reports go to the core first, then to
 * the backend's own listeners (waiting lock attempts, candidacies), which must not block.
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
    private volatile SessionState state = SessionState.CONNECTED;
    private volatile boolean closed;

    SessionStates(SessionEvents events, String uri) {
        this.events = events;
        this.uri = uri;
    }

    /** @return the state last reported */
    SessionState state() {
        return state;
    }

    /** Keep-alives fail: the lease may live, contact is in doubt. */
    synchronized void suspended() {
        if (state == SessionState.CONNECTED || state == SessionState.RECONNECTED) {
            report(SessionState.SUSPENDED);
        }
    }

    /** A keep-alive of the same lease succeeded. */
    synchronized void renewed() {
        if (state == SessionState.SUSPENDED) {
            report(SessionState.RECONNECTED);
        }
    }

    /** The lease is gone or presumed gone. */
    synchronized void lost() {
        suspended();
        if (state != SessionState.LOST) {
            report(SessionState.LOST);
        }
    }

    /** A new lease replaces a lost one. */
    synchronized void newSession() {
        lost();
        report(SessionState.CONNECTED);
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
        state = s;
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
