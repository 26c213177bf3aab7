package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.CircuitBreakerOptions;
import io.coordkit.CoordinationException;
import io.coordkit.Coordinator;
import io.coordkit.EngineAdmin;
import io.coordkit.Health;
import io.coordkit.RetryOptions;
import io.coordkit.Subscription;
import io.coordkit.config.ConfigStore;
import io.coordkit.election.Elections;
import io.coordkit.lock.Locks;
import io.coordkit.naming.ServiceRegistry;
import io.coordkit.session.SessionListener;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.SerialExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The core's coordinator: wraps one {@link BackendSession} and does, once for every backend, what SPEC.md asks of
 * the core — argument checks, time limits, retries and circuit breaking ({@link Calls}), the session state machine
 * and its effects on leases, candidacies and registrations (SES-*), ordered listener delivery (SPI-7), and
 * clean-up on close (SES-7). Internal.
 */
final class CoordinatorImpl implements Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorImpl.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final ConnectionSpec spec;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService events;
    private final SerialExecutor sessionExecutor;
    private final Calls calls;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Listener> sessionListeners = new CopyOnWriteArrayList<>();

    /** What is bound to the session, so that state changes and close reach it. */
    private final Set<SessionBound> bound = ConcurrentHashMap.newKeySet();
    /** Backend subscriptions (watches) to cancel on close. */
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    /**
     * Releases that failed; retried on a timer with backoff, and at once when the session comes back, until they
     * succeed or the session that held what they release is gone (LOST) or the coordinator closes.
     */
    private final Set<Cleanup> pendingCleanups = ConcurrentHashMap.newKeySet();
    /**
     * Held while the session state changes and the change is told to what is bound, and while something is bound
     * and reads the state it starts from, so that nothing bound misses a change or sees one twice.
     */
    private final Object stateLock = new Object();

    private volatile BackendSession backend;
    private volatile SessionState state = SessionState.CONNECTED;
    /** Counts lost sessions; a grant requested in an older epoch belongs to a session that is gone. */
    private volatile long epoch;

    private final LocksImpl locks;
    private final ConfigStoreImpl config;
    private final RegistryImpl registry;
    private final EngineAdminImpl admin;
    private final ElectionsImpl elections;

    private CoordinatorImpl(ConnectionSpec spec, RetryOptions retry, CircuitBreakerOptions breaker) {
        this.spec = spec;
        int id = IDS.incrementAndGet();
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("coordkit-" + id + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        // After close, a retry or time limit scheduled late runs at once instead of never (no caller hangs).
        this.scheduler.setRejectedExecutionHandler((task, executor) -> task.run());
        this.events = Executors.newCachedThreadPool(daemon("coordkit-" + id + "-events"));
        this.sessionExecutor = new SerialExecutor(events, "session of " + spec.uri());
        this.calls = new Calls(spec.uri(), spec.operationTimeout(), retry, breaker, scheduler, this::ensureOpen);
        this.locks = new LocksImpl(this);
        this.config = new ConfigStoreImpl(this);
        this.registry = new RegistryImpl(this);
        this.admin = new EngineAdminImpl(this);
        this.elections = new ElectionsImpl(this);
    }

    static Coordinator open(CoordinationProvider provider, ConnectionSpec spec, RetryOptions retry,
                            CircuitBreakerOptions breaker) {
        CoordinatorImpl coordinator = new CoordinatorImpl(spec, retry, breaker);
        try {
            coordinator.backend = connectWithin(provider, spec, coordinator::onBackendEvent);
        } catch (RuntimeException e) {
            coordinator.shutdownExecutors();
            throw e;
        }
        LOG.debug("connected to {} (namespace {}, session TTL {})", spec.uri(), spec.namespace(),
                Validation.human(spec.sessionTtl()));
        return coordinator;
    }

    /**
     * Runs the provider's blocking connect with the connect timeout enforced by the core too, so that a backend
     * that hangs cannot hang the application (URI-6).
     */
    private static BackendSession connectWithin(CoordinationProvider provider, ConnectionSpec spec,
                                                io.coordkit.spi.SessionEvents sink) {
        CompletableFuture<BackendSession> connecting = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                connecting.complete(provider.connect(spec, sink));
            } catch (Throwable e) {
                connecting.completeExceptionally(e);
            }
        }, "coordkit-connect");
        t.setDaemon(true);
        t.start();
        // In-process engines start their server inside connect: give that start its own allowance.
        Duration grace = spec.connectTimeout().plusSeconds(provider.requiresEndpoints(spec.scheme()) ? 2 : 30);
        try {
            return connecting.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            connecting.thenAccept(BackendSession::close);
            throw new BackendUnavailableException("no session with " + spec.uri() + " within the connect timeout of "
                    + Validation.human(spec.connectTimeout()) + " (URI-6)");
        } catch (InterruptedException e) {
            connecting.thenAccept(BackendSession::close);
            Thread.currentThread().interrupt();
            throw new CoordinationException("interrupted while connecting to " + spec.uri(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = Calls.unwrap(e);
            if (cause instanceof CoordinationException || cause instanceof IllegalArgumentException) {
                throw (RuntimeException) cause;
            }
            throw new BackendUnavailableException("cannot connect to " + spec.uri() + ": " + cause, cause);
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- what the primitives use -------------------------------------------------------------------------

    ConnectionSpec spec() {
        return spec;
    }

    Calls calls() {
        return calls;
    }

    BackendSession backend() {
        ensureOpen();
        return backend;
    }

    SerialExecutor newSerialExecutor(String name) {
        return new SerialExecutor(events, name);
    }

    java.util.concurrent.ScheduledExecutorService scheduler() {
        return scheduler;
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new ClosedException("the coordinator for " + spec.uri() + " is closed (SES-7)");
        }
    }

    /**
     * @return the number of sessions lost so far. Something granted is bound first and then compares the epoch
     *         of its request with this: if a LOST came in between, it belongs to a dead session.
     */
    long epoch() {
        return epoch;
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Tracks something bound to the session; if the coordinator closed meanwhile, it is closed at once.
     *
     * @param start runs with the session state and epoch at the moment of binding, before any later state change
     *              is told to {@code b}; it must not block
     */
    void bind(SessionBound b, java.util.function.BiConsumer<SessionState, Long> start) {
        synchronized (stateLock) {
            bound.add(b);
            start.accept(state, epoch);
        }
        if (closed.get() && bound.remove(b)) {
            b.closeWithCoordinator();
        }
    }

    void bind(SessionBound b) {
        bind(b, (s, e) -> { });
    }

    /** A release during close: one attempt, failures only logged (the session's end removes what is left). */
    CompletableFuture<Void> releaseOnClose(String what, Supplier<CompletableFuture<Void>> release) {
        return calls.whileClosing(what, release).exceptionally(e -> {
            LOG.debug("{} during close of {} failed: {}", what, spec.uri(), e.getMessage());
            return null;
        });
    }

    void unbind(SessionBound b) {
        bound.remove(b);
    }

    /**
     * Opens a backend subscription whose events reach {@code listener} one at a time, in order, on a coordkit
     * thread (SPI-7), and never after the returned subscription (or the coordinator) was closed, even if they
     * were queued before.
     *
     * @param what     names the subscription in logs
     * @param open     opens the backend subscription with the sink to report events to
     * @param listener the application's listener
     */
    <E> Subscription subscribe(String what, java.util.function.Function<java.util.function.Consumer<E>, Subscription> open,
                               java.util.function.Consumer<E> listener) {
        SerialExecutor delivery = newSerialExecutor(what);
        AtomicBoolean active = new AtomicBoolean(true);
        Subscription backendSubscription = open.apply(event -> delivery.execute(() -> {
            if (active.get()) {
                listener.accept(event);
            }
        }));
        return track(() -> {
            active.set(false);
            backendSubscription.close();
        });
    }

    /** Keeps a backend subscription so that close cancels it; returns one that also forgets it. */
    Subscription track(Subscription backendSubscription) {
        subscriptions.add(backendSubscription);
        AtomicBoolean done = new AtomicBoolean();
        Subscription s = () -> {
            if (done.compareAndSet(false, true)) {
                subscriptions.remove(backendSubscription);
                closeQuietly(backendSubscription);
            }
        };
        if (closed.get()) {
            s.close();
        }
        return s;
    }

    /**
     * Runs a release on the engine and waits for it within the operation timeout; if it fails, keeps retrying it
     * in the background (with backoff, and at once when the session comes back) until it succeeds, the session
     * is lost (the engine then removes what the session held) or the coordinator closes: a release must not be
     * lost while the session lives. A release started while the session is LOST is retried in the next session.
     * Releases do not pass through the circuit breaker.
     */
    void releaseOrDefer(String what, Supplier<CompletableFuture<Void>> release) {
        long ep = epoch;
        try {
            Calls.await(calls.release(what, release));
        } catch (CoordinationException | IllegalStateException e) {
            defer(what, release, ep, e);
        }
    }

    /** Starts a release without waiting for it; retried like {@link #releaseOrDefer} if it fails. */
    void releaseInBackground(String what, Supplier<CompletableFuture<Void>> release) {
        long ep = epoch;
        CompletableFuture<Void> attempt;
        try {
            attempt = calls.release(what, release);
        } catch (IllegalStateException closedNow) {
            return;
        }
        attempt.whenComplete((v, e) -> {
            if (e != null) {
                defer(what, release, ep, e);
            }
        });
    }

    private void defer(String what, Supplier<CompletableFuture<Void>> release, long ep, Throwable error) {
        if (sessionGone(ep)) {
            return; // the session is gone, and with it what was to be released
        }
        LOG.warn("{} failed on {} ({}); retrying until it succeeds or the session ends", what, spec.uri(),
                Calls.unwrap(error).getMessage());
        Cleanup c = new Cleanup(what, release, ep);
        pendingCleanups.add(c);
        c.schedule();
    }

    /**
     * @param ep the epoch a release was started in
     * @return true if the session it was meant for is gone: a LOST came since (the engine removes what that
     *         session held). A release started while the session is LOST is meant for the next session (what it
     *         releases may have been granted there): it waits for CONNECTED and is retried in that session.
     */
    private boolean sessionGone(long ep) {
        return closed.get() || epoch != ep;
    }

    /** A failed release being retried. */
    private final class Cleanup {
        private static final long FIRST_DELAY_MS = 100;
        private static final long MAX_DELAY_MS = 5_000;
        private final String what;
        private final Supplier<CompletableFuture<Void>> release;
        private final long epoch;
        /** Guarded by this. */
        private long delayMs = FIRST_DELAY_MS;
        private boolean running;
        /** The release succeeded or was given up: never run again. */
        private boolean done;
        private java.util.concurrent.ScheduledFuture<?> timer;

        Cleanup(String what, Supplier<CompletableFuture<Void>> release, long epoch) {
            this.what = what;
            this.release = release;
            this.epoch = epoch;
        }

        synchronized void schedule() {
            if (closed.get() || done) {
                return;
            }
            try {
                timer = scheduler.schedule(this::run, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pendingCleanups.remove(this);
            }
            delayMs = Math.min(MAX_DELAY_MS, delayMs * 2);
        }

        /** The session came back: try now, and start the backoff again. */
        void runNow() {
            synchronized (this) {
                if (timer != null) {
                    timer.cancel(false);
                }
                delayMs = FIRST_DELAY_MS;
            }
            run();
        }

        /** Stops for good: the release succeeded, or the session that held the thing is gone. */
        void cancel() {
            synchronized (this) {
                done = true;
                if (timer != null) {
                    timer.cancel(false);
                }
            }
            pendingCleanups.remove(this);
        }

        private void run() {
            synchronized (this) {
                if (running || done) {
                    return;
                }
                running = true;
            }
            if (sessionGone(epoch)) {
                cancel();
                return;
            }
            if (state == SessionState.LOST) {
                synchronized (this) {
                    running = false; // the CONNECTED of the next session runs it (see change())
                }
                return;
            }
            CompletableFuture<Void> attempt;
            try {
                attempt = calls.release("retried " + what, release);
            } catch (IllegalStateException closedNow) {
                cancel();
                return;
            }
            attempt.whenComplete((v, e) -> {
                synchronized (this) {
                    running = false;
                }
                if (e == null) {
                    cancel();
                    LOG.info("{} on {} succeeded on retry", what, spec.uri());
                } else if (sessionGone(epoch)) {
                    cancel();
                } else {
                    LOG.debug("{} on {} failed again: {}", what, spec.uri(), Calls.unwrap(e).getMessage());
                    schedule();
                }
            });
        }
    }

    // ---- session state -----------------------------------------------------------------------------------

    private void onBackendEvent(SessionState next) {
        sessionExecutor.execute(() -> apply(next));
    }

    /**
     * Applies a state change reported by the backend, keeping the machine of {@link SessionState} whatever the
     * backend sends: a CONNECTED that does not follow LOST means a new session, so LOST is applied first; a LOST
     * while connected is preceded by SUSPENDED (LOST only ever follows SUSPENDED); a RECONNECTED that does not
     * follow SUSPENDED and a SUSPENDED after LOST are dropped; nothing is applied once the coordinator is
     * closing.
     */
    private void apply(SessionState next) {
        synchronized (stateLock) {
            SessionState previous = state;
            if (closed.get() || previous == SessionState.CLOSED || next == SessionState.CLOSED
                    || (next == previous && next != SessionState.CONNECTED)) {
                return;
            }
            switch (next) {
                case CONNECTED -> {
                    if (previous != SessionState.LOST) {
                        LOG.warn("session of {}: the backend reported CONNECTED in {}: a new session, so the old "
                                + "one counts as LOST", spec.uri(), previous);
                        previous = suspendIfConnected(previous);
                        change(previous, SessionState.LOST);
                        previous = SessionState.LOST;
                    }
                }
                case RECONNECTED, SUSPENDED -> {
                    SessionState required = next == SessionState.RECONNECTED ? SessionState.SUSPENDED : null;
                    boolean valid = required != null ? previous == required
                            : previous == SessionState.CONNECTED || previous == SessionState.RECONNECTED;
                    if (!valid) {
                        LOG.warn("session of {}: ignoring {} reported by the backend in {}", spec.uri(), next,
                                previous);
                        return;
                    }
                }
                case LOST -> {
                    if (previous == SessionState.LOST) {
                        return;
                    }
                    previous = suspendIfConnected(previous);
                }
                default -> {
                    return;
                }
            }
            change(previous, next);
        }
    }

    /** Called with stateLock held: applies SUSPENDED first if the session is connected, so LOST follows it. */
    private SessionState suspendIfConnected(SessionState previous) {
        if (previous.isUsable()) {
            change(previous, SessionState.SUSPENDED);
            return SessionState.SUSPENDED;
        }
        return previous;
    }

    /** Called with stateLock held. */
    private void change(SessionState previous, SessionState next) {
        if (next == SessionState.LOST) {
            epoch++; // before telling what is bound, so a grant bound later sees the change (see epoch())
        }
        state = next;
        LOG.info("session of {}: {} -> {}", spec.uri(), previous, next);
        for (SessionBound b : bound) {
            b.sessionChanged(next);
        }
        if (next == SessionState.RECONNECTED || next == SessionState.CONNECTED) {
            // back in the same session, or in the next one, for releases started while it was LOST
            for (Cleanup c : new ArrayList<>(pendingCleanups)) {
                c.runNow();
            }
        } else if (next == SessionState.LOST) {
            for (Cleanup c : new ArrayList<>(pendingCleanups)) {
                c.cancel();
            }
        }
        notifyListeners(next);
    }

    private void notifyListeners(SessionState s) {
        for (Listener l : sessionListeners) {
            l.executor.execute(() -> {
                if (l.active.get()) {
                    l.listener.stateChanged(s);
                }
            });
        }
    }

    @Override
    public SessionState sessionState() {
        return closed.get() ? SessionState.CLOSED : state;
    }

    @Override
    public Subscription addSessionListener(SessionListener listener) {
        Validation.notNull("listener", listener);
        ensureOpen();
        Listener l = new Listener(listener, newSerialExecutor("session listener"), new AtomicBoolean(true));
        sessionListeners.add(l);
        return () -> {
            l.active.set(false); // not even a change queued before (Subscription.close())
            sessionListeners.remove(l);
        };
    }

    private record Listener(SessionListener listener, SerialExecutor executor, AtomicBoolean active) {
    }

    // ---- the API -----------------------------------------------------------------------------------------

    @Override
    public String scheme() {
        return spec.scheme();
    }

    @Override
    public String namespace() {
        return spec.namespace();
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.copyOf(backend().capabilities());
    }

    @Override
    public ServiceRegistry registry() {
        ensureOpen();
        return registry;
    }

    @Override
    public Locks locks() {
        ensureOpen();
        return locks;
    }

    @Override
    public ConfigStore config() {
        ensureOpen();
        return config;
    }

    @Override
    public Elections elections() {
        ensureOpen();
        return elections;
    }

    @Override
    public EngineAdmin admin() {
        return admin;
    }

    @Override
    public Health health() {
        return Calls.await(healthAsync());
    }

    @Override
    public CompletableFuture<Health> healthAsync() {
        BackendSession b = backend();
        long start = System.nanoTime();
        return calls.read("health", b::status).thenApply(status -> new Health(spec.scheme(), state,
                status.members(), status.leader(), Duration.ofNanos(System.nanoTime() - start)));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Subscription s : new ArrayList<>(subscriptions)) {
            closeQuietly(s);
        }
        subscriptions.clear();
        // Release everything in parallel, bounded by one operation timeout in all.
        List<CompletableFuture<Void>> releases = new ArrayList<>();
        for (SessionBound b : new ArrayList<>(bound)) {
            bound.remove(b);
            try {
                releases.add(b.closeWithCoordinator());
            } catch (RuntimeException e) {
                LOG.warn("closing {} failed", b, e);
            }
        }
        try {
            CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
                    .get(spec.operationTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.debug("not every release finished while closing {}", spec.uri());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Cleanup c : new ArrayList<>(pendingCleanups)) {
            c.cancel();
        }
        BackendSession b = backend;
        if (b != null) {
            try {
                b.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the backend session of {} failed", spec.uri(), e);
            }
        }
        // The last notifications (RELEASED..., then CLOSED) are queued before the threads stop; a shut-down
        // pool still runs what was queued.
        sessionExecutor.execute(() -> {
            state = SessionState.CLOSED;
            notifyListeners(SessionState.CLOSED);
            shutdownExecutors();
        });
    }

    private void shutdownExecutors() {
        events.shutdown();
        scheduler.shutdown();
    }

    private static void closeQuietly(Subscription s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.warn("closing a subscription failed", e);
        }
    }

    @Override
    public String toString() {
        return "Coordinator[" + spec.uri() + ", namespace " + spec.namespace() + ", " + state + "]";
    }

    /** Something whose life is bound to the session: a lease, a registration, a candidacy. */
    interface SessionBound {
        /** Told of every session state change, in order, on the session's serial executor. */
        void sessionChanged(SessionState state);

        /**
         * The coordinator is closing: end at once and start the release on the engine (best effort).
         *
         * @return completes when the release is done or has failed
         */
        CompletableFuture<Void> closeWithCoordinator();
    }

    /** Use of a closed coordinator (SES-7); passes through the core unchanged. */
    static final class ClosedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ClosedException(String message) {
            super(message);
        }
    }
}
