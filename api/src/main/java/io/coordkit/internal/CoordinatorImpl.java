package io.coordkit.internal;

import io.coordkit.Capability;
import io.coordkit.CircuitBreakerOptions;
import io.coordkit.Coordinator;
import io.coordkit.DurationText;
import io.coordkit.EngineAdmin;
import io.coordkit.Health;
import io.coordkit.RetryOptions;
import io.coordkit.Subscription;
import io.coordkit.config.ConfigStore;
import io.coordkit.election.Elections;
import io.coordkit.lock.Locks;
import io.coordkit.registry.ServiceRegistry;
import io.coordkit.session.SessionListener;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.SerialExecutor;
import io.coordkit.spi.SessionEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The core's coordinator: the facade over one {@link BackendSession} that wires together, once for every backend,
 * what SPEC.md asks of the core. Each concern has its own class:
 * <ul>
 *   <li>{@link Calls}: argument-free policy of every backend call (time limits, retries, circuit breaker, error
 *   mapping);</li>
 *   <li>{@link CoreSession}: the session state machine and its effects on leases, candidacies, registrations and
 *   session listeners (SES-*);</li>
 *   <li>{@link DeferredReleases}: releases retried in the background until they succeed or the session ends;</li>
 *   <li>{@link Subscriptions}: ordered delivery of watch events (SPI-7) and their cancellation on close;</li>
 *   <li>{@link CoordinatorThreads}: the timer and notification threads;</li>
 *   <li>{@link ConnectWatchdog}: the connect timeout enforced around the provider's connect (URI-6).</li>
 * </ul>
 * Here: the API's entry points, and the order of clean-up on close (SES-7). Internal.
 */
final class CoordinatorImpl implements Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorImpl.class);

    private final ConnectionSpec spec;
    private final CoordinatorThreads threads;
    private final Calls calls;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Subscriptions subscriptions;
    private final DeferredReleases releases;
    private final CoreSession session;

    private volatile BackendSession backend;
    /** When the engine last confirmed the session (SES-8); set when the connect starts. */
    private volatile SessionClock sessionClock;

    private final LocksImpl locks;
    private final ConfigStoreImpl config;
    private final RegistryImpl registry;
    private final EngineAdminImpl admin;
    private final ElectionsImpl elections;

    private CoordinatorImpl(ConnectionSpec spec, RetryOptions retry, CircuitBreakerOptions breaker) {
        this.spec = spec;
        this.threads = new CoordinatorThreads();
        this.calls = new Calls(spec.uri(), spec.operationTimeout(), retry, breaker, threads.scheduler(),
                this::ensureOpen);
        this.subscriptions = new Subscriptions(threads::serial);
        // The session and the releases refer to each other (a release retried when the session comes back, a
        // release given up when it is lost); the session's state and epoch are read through suppliers.
        CoreSession[] s = new CoreSession[1];
        this.releases = new DeferredReleases(spec.uri(), calls::release, threads.scheduler(),
                () -> s[0].epoch(), () -> s[0].state(), closed::get);
        this.session = new CoreSession(spec.uri(), threads::serial, closed::get, releases::sessionChanged);
        s[0] = session;
        this.locks = new LocksImpl(this);
        this.config = new ConfigStoreImpl(this);
        this.registry = new RegistryImpl(this);
        this.admin = new EngineAdminImpl(this);
        this.elections = new ElectionsImpl(this);
    }

    static Coordinator open(CoordinationProvider provider, ConnectionSpec spec, RetryOptions retry,
                            CircuitBreakerOptions breaker) {
        CoordinatorImpl coordinator = new CoordinatorImpl(spec, retry, breaker);
        SessionClock clock = new SessionClock(System.nanoTime(), () -> coordinator.backend.sessionTtl(),
                System::nanoTime);
        coordinator.sessionClock = clock;
        SessionEvents states = coordinator.session.events();
        try {
            coordinator.backend = ConnectWatchdog.connect(provider, spec, new SessionEvents() {
                @Override
                public void stateChanged(SessionState state) {
                    states.stateChanged(state);
                }

                @Override
                public void confirmed(long sentAtNanos) {
                    clock.confirmed(sentAtNanos);
                }
            });
        } catch (RuntimeException e) {
            coordinator.threads.shutdown();
            throw e;
        }
        LOG.debug("connected to {} (namespace {}, session TTL {})", spec.uri(), spec.namespace(),
                DurationText.format(spec.sessionTtl()));
        return coordinator;
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
        return threads.serial(name);
    }

    ScheduledExecutorService scheduler() {
        return threads.scheduler();
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new ClosedException("the coordinator for " + spec.uri() + " is closed (SES-7)");
        }
    }

    /** @return the number of sessions lost so far ({@link CoreSession#epoch()}) */
    long epoch() {
        return session.epoch();
    }

    /**
     * @return true while the engine confirmed the session less than its granted TTL ago (SES-8); false also while
     *         the backend is still connecting (nothing is bound yet then)
     */
    boolean sessionTrusted() {
        return backend != null && sessionClock.trusted();
    }

    /** @return a phrase for messages saying how long ago the engine last confirmed the session */
    String lastConfirmation() {
        return "the engine last confirmed the session " + DurationText.format(sessionClock.sinceConfirmed())
                + " ago, longer than its TTL of " + DurationText.format(backend.sessionTtl());
    }

    boolean isClosed() {
        return closed.get();
    }

    /** See {@link CoreSession#bind}. */
    void bind(SessionBound b, BiConsumer<SessionState, Long> start) {
        session.bind(b, start);
    }

    void bind(SessionBound b) {
        bind(b, (s, e) -> { });
    }

    void unbind(SessionBound b) {
        session.unbind(b);
    }

    /** A release during close: one attempt, failures only logged (the session's end removes what is left). */
    CompletableFuture<Void> releaseOnClose(String what, Supplier<CompletableFuture<Void>> release) {
        return calls.whileClosing(what, release).exceptionally(e -> {
            LOG.debug("{} during close of {} failed: {}", what, spec.uri(), e.getMessage());
            return null;
        });
    }

    /** See {@link Subscriptions#subscribe}. */
    <E> Subscription subscribe(String what, Function<Consumer<E>, Subscription> open, Consumer<E> listener) {
        return subscriptions.subscribe(what, open, listener);
    }

    /** See {@link Subscriptions#track}. */
    Subscription track(Subscription backendSubscription) {
        return subscriptions.track(backendSubscription);
    }

    /** See {@link DeferredReleases#releaseOrDefer}. */
    void releaseOrDefer(String what, Supplier<CompletableFuture<Void>> release) {
        releases.releaseOrDefer(what, release);
    }

    /** See {@link DeferredReleases#releaseInBackground}. */
    void releaseInBackground(String what, Supplier<CompletableFuture<Void>> release) {
        releases.releaseInBackground(what, release);
    }

    // ---- the API -----------------------------------------------------------------------------------------

    @Override
    public SessionState sessionState() {
        return closed.get() ? SessionState.CLOSED : session.state();
    }

    @Override
    public Duration sessionTtl() {
        return backend().sessionTtl();
    }

    @Override
    public Subscription addSessionListener(SessionListener listener) {
        Validation.notNull("listener", listener);
        ensureOpen();
        return session.addListener(listener);
    }

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
        return calls.read("health", b::status).thenApply(status -> new Health(spec.scheme(), session.state(),
                status.members(), status.leader(), Duration.ofNanos(System.nanoTime() - start)));
    }

    /**
     * Closes in this order: watches; everything bound, released in parallel within one operation timeout; the
     * releases still waiting for a retry; the backend session; last, on the session's executor after what is
     * queued there, the CLOSED notification and the threads.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("closing {}: {} watches open, {} releases waiting for a retry", spec.uri(), subscriptions.size(),
                releases.pending());
        subscriptions.closeAll();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (SessionBound b : session.unbindAll()) {
            try {
                pending.add(b.closeWithCoordinator());
            } catch (RuntimeException e) {
                LOG.warn("closing {} failed", b, e);
            }
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(spec.operationTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            LOG.debug("not every release finished while closing {}", spec.uri());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        releases.close();
        BackendSession b = backend;
        if (b != null) {
            try {
                b.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the backend session of {} failed", spec.uri(), e);
            }
        }
        session.closed(threads::shutdown);
    }

    @Override
    public String toString() {
        return "Coordinator[" + spec.uri() + ", namespace " + spec.namespace() + ", " + session.state()
                + ", circuit " + calls.breakerState() + "]";
    }
}
