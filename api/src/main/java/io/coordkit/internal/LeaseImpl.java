package io.coordkit.internal;

import io.coordkit.LockLostException;
import io.coordkit.Subscription;
import io.coordkit.lock.LeaseListener;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.SerialExecutor;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A lease as the application sees it: the state machine HELD / SUSPENDED / LOST / RELEASED driven by the session
 * (SES-4 to SES-6) and by the backend (LCK-6), idempotent close (LCK-5). Internal.
 */
final class LeaseImpl implements LockLease, SessionBound {
    private final CoordinatorImpl coordinator;
    private final String name;
    private final String description;
    private final BackendLease backend;
    private final SerialExecutor notifications;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
    private LeaseState state = LeaseState.HELD;

    LeaseImpl(CoordinatorImpl coordinator, String name, String description, BackendLease backend) {
        this.coordinator = coordinator;
        this.name = name;
        this.description = description;
        this.backend = backend;
        this.notifications = coordinator.newSerialExecutor(description);
    }

    /**
     * Sets the first state from the session's state at the moment the lease was bound. A lease granted across a
     * lost session, or while the session is lost, starts {@code LOST} (nobody can say which session it belongs
     * to) and is released on the engine: the backend may have granted it in the new session, where nothing else
     * would ever release it.
     */
    void start(SessionState session, boolean alreadyLost) {
        if (alreadyLost || session == SessionState.LOST) {
            if (transition(LeaseState.LOST)) {
                coordinator.releaseInBackground("release " + description + " granted across a lost session",
                        backend::release);
            }
        } else if (session == SessionState.SUSPENDED) {
            transition(LeaseState.SUSPENDED);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long fencingToken() {
        return backend.fencingToken();
    }

    /**
     * The state, with the session clock applied at the call (SES-8): a lease that the session machine still holds
     * reads {@code SUSPENDED} once the engine has not confirmed the session for a whole TTL, until it does again.
     */
    @Override
    public LeaseState state() {
        LeaseState s;
        synchronized (this) {
            s = state;
        }
        return s == LeaseState.HELD && !coordinator.sessionTrusted() ? LeaseState.SUSPENDED : s;
    }

    @Override
    public void checkValid() {
        LeaseState s;
        synchronized (this) {
            s = state;
        }
        if (s != LeaseState.HELD) {
            throw new LockLostException(description + " (fencing token " + backend.fencingToken() + ") is " + s
                    + ", not HELD: stop work that needs it (LCK-6)");
        }
        if (!coordinator.sessionTrusted()) {
            throw new LockLostException(description + " (fencing token " + backend.fencingToken() + ") cannot be "
                    + "trusted: " + coordinator.lastConfirmation() + ", so the engine may have given it to another "
                    + "holder; stop work that needs it (SES-8)");
        }
    }

    @Override
    public Subscription addListener(LeaseListener listener) {
        Validation.notNull("listener", listener);
        LeaseState now;
        synchronized (this) {
            listeners.add(listener);
            now = state;
        }
        if (now.isFinal()) {
            notifications.execute(() -> listener.leaseStateChanged(this, now));
        }
        return () -> listeners.remove(listener);
    }

    @Override
    public void sessionChanged(SessionState session) {
        switch (session) {
            case SUSPENDED -> transitionFrom(LeaseState.HELD, LeaseState.SUSPENDED);
            case RECONNECTED -> transitionFrom(LeaseState.SUSPENDED, LeaseState.HELD);
            case LOST -> transition(LeaseState.LOST); // the core applies LOST before every new session
            default -> {
            }
        }
    }

    /** The backend says the lease is gone while the session lives. */
    void lostOnEngine() {
        transition(LeaseState.LOST);
    }

    @Override
    public void close() {
        if (!transition(LeaseState.RELEASED)) {
            return;
        }
        coordinator.releaseOrDefer("release " + description, backend::release);
    }

    @Override
    public CompletableFuture<Void> closeWithCoordinator() {
        return transition(LeaseState.RELEASED)
                ? coordinator.releaseOnClose("release " + description, backend::release)
                : CompletableFuture.completedFuture(null);
    }

    private synchronized boolean transitionFrom(LeaseState from, LeaseState to) {
        return state == from && transition(to);
    }

    /** @return false if the lease was already final */
    private boolean transition(LeaseState to) {
        synchronized (this) {
            if (state.isFinal() || state == to) {
                return false;
            }
            state = to;
            for (LeaseListener l : listeners) {
                notifications.execute(() -> l.leaseStateChanged(this, to));
            }
        }
        if (to.isFinal()) {
            coordinator.unbind(this);
        }
        return true;
    }

    @Override
    public String toString() {
        return "LockLease[" + description + ", token " + backend.fencingToken() + ", " + state() + "]";
    }
}
