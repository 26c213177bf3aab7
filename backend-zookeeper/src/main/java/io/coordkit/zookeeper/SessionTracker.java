package io.coordkit.zookeeper;

import io.coordkit.session.SessionState;
import io.coordkit.spi.SessionEvents;
import io.coordkit.spi.SessionStateMachine;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * Turns Curator's connection states into observations for a {@link SessionStateMachine}, which reports coordkit
 * session states that always follow coordkit's machine (for example a LOST straight from CONNECTED as SUSPENDED
 * then LOST), by the ZooKeeper session id:
 *
 * <ul>
 *   <li>SUSPENDED or READ_ONLY (contact lost) → {@link SessionStateMachine#contactLost()};</li>
 *   <li>LOST (the session expired, or Curator gave it up after the session timeout) →
 *   {@link SessionStateMachine#sessionLost()};</li>
 *   <li>CONNECTED or RECONNECTED → {@link SessionStateMachine#sessionOpen(long)} with the id of the client's
 *   current session (RECONNECTED if it is the same session, CONNECTED, after LOST if need be, if it is a new
 *   one).</li>
 * </ul>
 *
 * Runs on Curator's connection state thread; reports to the core first, then to the backend's own listeners
 * (watches, waiting lock attempts, candidacies), which must not block.
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

    /** Null until {@link #connected(long)}; then only used under this object's lock or its own. */
    private volatile SessionStateMachine machine;
    private volatile boolean closed;
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
        this.machine = new SessionStateMachine(uri, sessionId, this::report);
        for (ConnectionState s : early) {
            handle(s);
        }
        early.clear();
    }

    /** @return the id of the current session as last reported; 0 before the first */
    long sessionId() {
        SessionStateMachine m = machine;
        return m == null ? 0 : m.sessionId();
    }

    /**
     * @param id a session id
     * @return true if it is one of the earlier sessions of this coordinator (lost since)
     */
    boolean isFormerSession(long id) {
        SessionStateMachine m = machine;
        return m != null && m.isFormerSession(id);
    }

    /** @return the state last reported */
    SessionState state() {
        SessionStateMachine m = machine;
        return m == null ? SessionState.CONNECTED : m.state();
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
            if (machine != null) {
                handle(newState);
            } else {
                early.add(newState);
            }
        }
    }

    private void handle(ConnectionState newState) {
        switch (newState) {
            case SUSPENDED, READ_ONLY -> machine.contactLost();
            case LOST -> machine.sessionLost();
            case CONNECTED, RECONNECTED -> {
                long id = currentSessionId.getAsLong();
                if (id == 0) {
                    LOG.debug("{}: Curator reports {} without a session; waiting for the next state", uri,
                            newState);
                    return;
                }
                machine.sessionOpen(id);
            }
            default -> LOG.debug("{}: ignoring connection state {}", uri, newState);
        }
    }

    /** The machine's sink: runs with the machine's lock held. */
    private void report(SessionState s) {
        LOG.info("{}: session 0x{} {}", uri, Long.toHexString(machine == null ? 0 : machine.sessionId()), s);
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
