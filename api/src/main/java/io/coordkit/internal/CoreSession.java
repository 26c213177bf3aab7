package io.coordkit.internal;

import io.coordkit.Subscription;
import io.coordkit.session.SessionListener;
import io.coordkit.session.SessionState;
import io.coordkit.spi.SerialExecutor;
import io.coordkit.spi.SessionEvents;
import io.coordkit.spi.SessionStateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The core's session: the state machine of {@link SessionState} as the application sees it (SES-*), fed with
 * what the backend reports through a {@link SessionStateMachine}, and its effects on what is bound to the session
 * (leases, registrations, candidacies) and on session listeners. Counts lost sessions (the epoch), so that a grant
 * requested in an older epoch is known to belong to a session that is gone. Internal.
 *
 * <p>State changes are applied one at a time on a serial executor, never on the backend's thread. A change is
 * applied, and told to everything bound, under one lock; binding takes the same lock while it reads the state to
 * start from, so nothing bound misses a change or sees one twice.
 */
final class CoreSession {
    private static final Logger LOG = LoggerFactory.getLogger(CoreSession.class);

    private final String uri;
    private final SerialExecutor executor;
    private final Function<String, SerialExecutor> serial;
    private final BooleanSupplier closed;
    private final Consumer<SessionState> afterChange;
    private final SessionStateMachine machine;
    private final Set<SessionBound> bound = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Held while a change is applied and told to what is bound, and while something binds. */
    private final Object lock = new Object();

    private volatile SessionState state = SessionState.CONNECTED;
    /** Counts lost sessions; incremented before anything bound hears of the LOST. */
    private volatile long epoch;

    /**
     * @param uri         the masked URI, for logs
     * @param serial      makes serial executors over the notification pool, named for logs
     * @param closed      true once the coordinator began to close: nothing more is applied
     * @param afterChange told of each change after everything bound (deferred releases), before listeners
     */
    CoreSession(String uri, Function<String, SerialExecutor> serial, BooleanSupplier closed,
                Consumer<SessionState> afterChange) {
        this.uri = uri;
        this.serial = serial;
        this.closed = closed;
        this.afterChange = afterChange;
        this.executor = serial.apply("session of " + uri);
        this.machine = new SessionStateMachine(uri, 0, this::change);
    }

    /** @return where the backend reports its states; cheap, never blocks, applies them in order later */
    SessionEvents events() {
        return next -> executor.execute(() -> apply(next));
    }

    /**
     * Applies a state the backend reported, keeping the machine of {@link SessionState} whatever it sends (see
     * {@link SessionStateMachine#report}); nothing once the coordinator is closing.
     */
    void apply(SessionState reported) {
        synchronized (lock) {
            if (closed.getAsBoolean() || state == SessionState.CLOSED) {
                return;
            }
            machine.report(reported);
        }
    }

    /** The machine's sink; called with the lock held. */
    private void change(SessionState next) {
        SessionState previous = state;
        if (next == SessionState.LOST) {
            epoch++; // before telling what is bound, so a grant bound later sees the change (see epoch())
        }
        state = next;
        LOG.info("session of {}: {} -> {}", uri, previous, next);
        for (SessionBound b : bound) {
            b.sessionChanged(next);
        }
        afterChange.accept(next);
        notifyListeners(next);
    }

    /** @return the state as last applied ({@code CLOSED} once the close was applied) */
    SessionState state() {
        return state;
    }

    /**
     * @return the number of sessions lost so far. Something granted is bound first and then compares the epoch
     *         of its request with this: if a LOST came in between, it belongs to a dead session.
     */
    long epoch() {
        return epoch;
    }

    /**
     * Tracks something bound to the session; if the coordinator closed meanwhile, it is closed at once.
     *
     * @param b     what to bind
     * @param start runs with the session state and epoch at the moment of binding, before any later state change
     *              is told to {@code b}; it must not block
     */
    void bind(SessionBound b, BiConsumer<SessionState, Long> start) {
        synchronized (lock) {
            bound.add(b);
            start.accept(state, epoch);
        }
        if (closed.getAsBoolean() && bound.remove(b)) {
            b.closeWithCoordinator();
        }
    }

    /** @param b no longer bound: it hears of no more changes */
    void unbind(SessionBound b) {
        bound.remove(b);
    }

    /** @return everything bound, now unbound: the coordinator closes it */
    List<SessionBound> unbindAll() {
        List<SessionBound> all = new ArrayList<>(bound);
        bound.removeAll(all);
        return all;
    }

    /**
     * @param listener an application's session listener
     * @return its subscription; once closed, not even a change queued before reaches the listener
     */
    Subscription addListener(SessionListener listener) {
        Listener l = new Listener(listener, serial.apply("session listener"), new AtomicBoolean(true));
        listeners.add(l);
        return () -> {
            l.active.set(false);
            listeners.remove(l);
        };
    }

    /**
     * The coordinator closed: after the changes already queued, the state becomes CLOSED, listeners hear it, then
     * {@code then} runs (it stops the threads; a shut-down pool still runs what was queued).
     *
     * @param then runs last, on the session's executor
     */
    void closed(Runnable then) {
        executor.execute(() -> {
            state = SessionState.CLOSED;
            notifyListeners(SessionState.CLOSED);
            then.run();
        });
    }

    private void notifyListeners(SessionState s) {
        for (Listener l : listeners) {
            l.executor.execute(() -> {
                if (l.active.get()) {
                    l.listener.stateChanged(s);
                }
            });
        }
    }

    private record Listener(SessionListener listener, SerialExecutor executor, AtomicBoolean active) {
    }
}
