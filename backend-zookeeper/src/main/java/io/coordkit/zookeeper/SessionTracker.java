package io.coordkit.zookeeper;

import io.coordkit.session.SessionState;
import io.coordkit.spi.SessionEvents;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Turns Curator's connection states into coordkit session states, by the ZooKeeper session id:
 *
 * <ul>
 *   <li>SUSPENDED (contact lost) → {@code SUSPENDED};</li>
 *   <li>RECONNECTED with the same session id → {@code RECONNECTED};</li>
 *   <li>LOST (the session expired, or Curator gave it up after the session timeout) → {@code LOST};</li>
 *   <li>RECONNECTED or CONNECTED with a new session id → {@code CONNECTED} (preceded by {@code LOST} if Curator
 *   did not say so first).</li>
 * </ul>
 *
 * The states reported always follow coordkit's machine (for example a LOST straight from CONNECTED is reported
 * as SUSPENDED then LOST). Runs on Curator's connection state thread; reports to the core first, then to the
 * backend's own listeners (watches, waiting lock attempts, candidacies), which must not block.
 */
final class SessionTracker implements ConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionTracker.class);

    /** A backend-internal listener of the mapped states. */
    @FunctionalInterface
    interface Listener {
        /** @param state the new state (never CLOSED) */
        void stateChanged(SessionState state);
    }

    private final SessionEvents events;
    private final LongSupplier currentSessionId;
    private final String uri;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Set<Long> formerSessions = ConcurrentHashMap.newKeySet();

    private volatile SessionState state = SessionState.CONNECTED;
    private volatile long sessionId;
    private volatile boolean closed;
    private boolean ready;
    private final List<ConnectionState> early = new ArrayList<>();

    /**
     * @param events           where the core wants the states
     * @param currentSessionId reads the session id of the client's current ZooKeeper handle (0 if none)
     * @param uri              the masked URI, for logs
     */
    SessionTracker(SessionEvents events, LongSupplier currentSessionId, String uri) {
        this.events = events;
        this.currentSessionId = currentSessionId;
        this.uri = uri;
    }

    /**
     * Starts reporting, once {@code connect} has its session. Curator's states that arrived before (its
     * initial CONNECTED, and anything after it) are handled now, in order.
     *
     * @param sessionId the id of the session {@code connect} opened
     */
    synchronized void connected(long sessionId) {
        this.sessionId = sessionId;
        this.ready = true;
        for (ConnectionState s : early) {
            handle(s);
        }
        early.clear();
    }

    /** @return the id of the current session as last reported; 0 before the first */
    long sessionId() {
        return sessionId;
    }

    /**
     * @param id a session id
     * @return true if it is one of the earlier sessions of this coordinator (lost since)
     */
    boolean isFormerSession(long id) {
        return formerSessions.contains(id);
    }

    /** @return the state last reported */
    SessionState state() {
        return state;
    }

    /** @param l a backend listener to add */
    void addListener(Listener l) {
        listeners.add(l);
    }

    /** @param l a backend listener to remove */
    void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** Stops reporting. */
    void close() {
        closed = true;
        listeners.clear();
    }

    @Override
    public void stateChanged(CuratorFramework client, ConnectionState newState) {
        if (closed) {
            return;
        }
        synchronized (this) {
            if (ready) {
                handle(newState);
            } else {
                early.add(newState);
            }
        }
    }

    private void handle(ConnectionState newState) {
        switch (newState) {
            case SUSPENDED, READ_ONLY -> suspend();
            case LOST -> {
                suspend();
                lose();
            }
            case CONNECTED, RECONNECTED -> {
                long id = currentSessionId.getAsLong();
                if (id == 0) {
                    LOG.debug("{}: Curator reports {} without a session; waiting for the next state", uri,
                            newState);
                    return;
                }
                if (state == SessionState.LOST) {
                    sessionId = id;
                    report(SessionState.CONNECTED);
                } else if (id == sessionId) {
                    if (state == SessionState.SUSPENDED) {
                        report(SessionState.RECONNECTED);
                    }
                } else {
                    suspend();
                    lose();
                    sessionId = id;
                    report(SessionState.CONNECTED);
                }
            }
            default -> LOG.debug("{}: ignoring connection state {}", uri, newState);
        }
    }

    private void suspend() {
        if (state == SessionState.CONNECTED || state == SessionState.RECONNECTED) {
            report(SessionState.SUSPENDED);
        }
    }

    private void lose() {
        if (state != SessionState.LOST) {
            formerSessions.add(sessionId);
            report(SessionState.LOST);
        }
    }

    private void report(SessionState s) {
        state = s;
        LOG.info("{}: session 0x{} {}", uri, Long.toHexString(sessionId), s);
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
