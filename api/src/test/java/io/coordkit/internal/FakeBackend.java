package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.Health;
import io.coordkit.Subscription;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;
import io.coordkit.election.LeaderInfo;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.BackendRegistration;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.ConfigBackend;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.LockRequest;
import io.coordkit.spi.RegistryBackend;
import io.coordkit.spi.SessionEvents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An in-memory SPI implementation with switches for failures, for the core's tests only. Single process, no
 * waiting queue: a lock is granted if free, otherwise after the wait the future completes empty, or never when
 * {@link #grantLocksLate} is set (to test SPI-8).
 */
final class FakeBackend implements BackendSession, ConfigBackend, LockBackend, RegistryBackend, ElectionBackend {

    final ConnectionSpec spec;
    final SessionEvents events;
    /** Calls per operation name, to check what the core retried. */
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** Every call fails as an unreachable engine would. */
    volatile boolean unavailable;
    /** Calls of these operations fail as an unreachable engine would. */
    final Set<String> unavailableOps = ConcurrentHashMap.newKeySet();
    /** Calls of these operations hang (kept in {@link #hanging}). */
    final Set<String> hangingOps = ConcurrentHashMap.newKeySet();
    /** Hanging calls of these operations ignore cancellation, as an engine call already sent may. */
    final Set<String> uncancellableOps = ConcurrentHashMap.newKeySet();
    /** Told the name of every operation called, before it runs. */
    volatile Consumer<String> onCall = op -> { };
    /** Every call fails with an error that is not a CoordinationException. */
    volatile boolean explode;
    /** Every call hangs (its future never completes unless cancelled). */
    volatile boolean hang;
    /** Futures handed out while hanging, to see that the core cancels them. */
    final List<CompletableFuture<?>> hanging = new CopyOnWriteArrayList<>();
    /** Lock grants complete only when the test completes them. */
    volatile boolean grantLocksLate;
    final List<CompletableFuture<Optional<BackendLease>>> lateGrants = new CopyOnWriteArrayList<>();
    volatile boolean closed;
    /** Answered calls confirm the session (SES-8) while this is true. */
    volatile boolean confirming = true;

    private final Map<String, Versioned<byte[]>> values = new TreeMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong(100);
    final Map<String, Long> heldLocks = new ConcurrentHashMap<>();
    final List<Long> released = new CopyOnWriteArrayList<>();
    final Map<String, ServiceInstance> registrations = new ConcurrentHashMap<>();
    final List<String> registerCalls = new CopyOnWriteArrayList<>();
    final List<String> candidates = new CopyOnWriteArrayList<>();
    final Map<String, CandidacyListener> candidateListeners = new ConcurrentHashMap<>();
    final List<Subscription> subscriptionsClosed = new CopyOnWriteArrayList<>();
    final List<ConfigListener> watchers = new CopyOnWriteArrayList<>();
    volatile Optional<LeaderInfo> leadershipOnRecheck = Optional.empty();

    FakeBackend(ConnectionSpec spec, SessionEvents events) {
        this.spec = spec;
        this.events = events;
    }

    void emit(SessionState state) {
        events.stateChanged(state);
    }

    int count(String op) {
        return calls.getOrDefault(op, new AtomicInteger()).get();
    }

    private <T> CompletableFuture<T> call(String op, Supplier<T> body) {
        calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
        onCall.accept(op);
        if (unavailable || unavailableOps.contains(op)) {
            return CompletableFuture.failedFuture(new BackendUnavailableException("fake engine unreachable: " + op));
        }
        if (explode) {
            return CompletableFuture.failedFuture(new IllegalStateException("boom in " + op));
        }
        if (hang || hangingOps.contains(op)) {
            CompletableFuture<T> f = !uncancellableOps.contains(op) ? new CompletableFuture<>()
                    : new CompletableFuture<>() {
                        @Override
                        public boolean cancel(boolean mayInterruptIfRunning) {
                            return false;
                        }
                    };
            hanging.add(f);
            return f;
        }
        long sent = System.nanoTime();
        try {
            CompletableFuture<T> answered = CompletableFuture.completedFuture(body.get());
            if (confirming) {
                events.confirmed(sent);
            }
            return answered;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public java.time.Duration sessionTtl() {
        return spec.sessionTtl();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.SEMAPHORES);
    }

    @Override
    public ConfigBackend config() {
        return this;
    }

    @Override
    public LockBackend locks() {
        return this;
    }

    @Override
    public RegistryBackend registry() {
        return this;
    }

    @Override
    public ElectionBackend elections() {
        return this;
    }

    @Override
    public CompletableFuture<EngineStatus> status() {
        return call("status", () -> new EngineStatus(List.of(new Health.Member("fake:1", true, "standalone", "1.0",
                Duration.ofMillis(1), "")), Optional.of("fake:1")));
    }

    @Override
    public void close() {
        closed = true;
    }

    // ---- config

    @Override
    public CompletableFuture<Optional<Versioned<byte[]>>> get(String key) {
        return call("get", () -> {
            synchronized (values) {
                return Optional.ofNullable(values.get(key));
            }
        });
    }

    @Override
    public CompletableFuture<Long> put(String key, byte[] value) {
        return call("put", () -> write(key, value));
    }

    private long write(String key, byte[] value) {
        synchronized (values) {
            long v = versions.incrementAndGet();
            values.put(key, new Versioned<>(value, v));
            watchers.forEach(w -> w.onEvent(ConfigEvent.put(key, value, v)));
            return v;
        }
    }

    @Override
    public CompletableFuture<Long> compareAndSet(String key, long expectedVersion, byte[] value) {
        return call("compareAndSet", () -> {
            synchronized (values) {
                Versioned<byte[]> now = values.get(key);
                long actual = now == null ? Versioned.ABSENT : now.version();
                if (actual != expectedVersion) {
                    throw new VersionConflictException(key, expectedVersion, OptionalLong.of(actual));
                }
                return write(key, value);
            }
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String key, OptionalLong expectedVersion) {
        return call("delete", () -> {
            synchronized (values) {
                return values.remove(key) != null;
            }
        });
    }

    @Override
    public CompletableFuture<SortedMap<String, Versioned<byte[]>>> list(String prefix) {
        return call("list", () -> {
            synchronized (values) {
                return new TreeMap<>(values);
            }
        });
    }

    @Override
    public Subscription watch(String prefix, ConfigListener listener) {
        watchers.add(listener);
        listener.onEvent(ConfigEvent.resync(prefix, Map.of()));
        Subscription[] self = new Subscription[1];
        self[0] = () -> {
            watchers.remove(listener);
            subscriptionsClosed.add(self[0]);
        };
        return self[0];
    }

    // ---- locks

    @Override
    public CompletableFuture<Optional<BackendLease>> acquire(LockRequest request, Runnable onLost) {
        if (grantLocksLate) {
            calls.computeIfAbsent("acquire", k -> new AtomicInteger()).incrementAndGet();
            CompletableFuture<Optional<BackendLease>> f = new CompletableFuture<>();
            lateGrants.add(f);
            return f;
        }
        return call("acquire", () -> {
            String key = request.kind() + "/" + request.name();
            long token = tokens.incrementAndGet();
            if (heldLocks.putIfAbsent(key, token) != null) {
                return Optional.empty();
            }
            return Optional.of(lease(key, token));
        });
    }

    BackendLease lease(String key, long token) {
        return new BackendLease() {
            @Override
            public long fencingToken() {
                return token;
            }

            @Override
            public CompletableFuture<Void> release() {
                return call("release", () -> {
                    heldLocks.remove(key, token);
                    released.add(token);
                    return null;
                });
            }
        };
    }

    long nextToken() {
        return tokens.incrementAndGet();
    }

    // ---- registry

    @Override
    public CompletableFuture<BackendRegistration> register(String service, ServiceInstance instance, boolean renewal) {
        return call("register", () -> {
            registerCalls.add(service + "/" + instance.id() + (renewal ? " renewal" : ""));
            registrations.put(service + "/" + instance.id(), instance);
            return registration(service, instance);
        });
    }

    BackendRegistration registration(String service, ServiceInstance instance) {
        return () -> call("deregister", () -> {
            registrations.remove(service + "/" + instance.id());
            return null;
        });
    }

    @Override
    public CompletableFuture<List<ServiceInstance>> instances(String service) {
        return call("instances", () -> {
            List<ServiceInstance> list = new ArrayList<>();
            registrations.forEach((k, v) -> {
                if (k.startsWith(service + "/")) {
                    list.add(v);
                }
            });
            list.sort((a, b) -> a.id().compareTo(b.id()));
            return list;
        });
    }

    @Override
    public Subscription watch(String service, Consumer<List<ServiceInstance>> listener) {
        return () -> { };
    }

    // ---- elections

    @Override
    public CompletableFuture<BackendCandidacy> join(String election, String candidateId, Map<String, String> metadata,
                                                    CandidacyListener listener) {
        candidateListeners.put(candidateId, listener);
        return call("join", () -> {
            candidates.add(candidateId);
            return candidacy(candidateId);
        });
    }

    BackendCandidacy candidacy(String candidateId) {
        return new BackendCandidacy() {
            @Override
            public CompletableFuture<Optional<LeaderInfo>> currentLeadership() {
                return call("currentLeadership", () -> leadershipOnRecheck);
            }

            @Override
            public CompletableFuture<Void> withdraw() {
                return call("withdraw", () -> {
                    candidates.remove(candidateId);
                    return null;
                });
            }
        };
    }

    @Override
    public CompletableFuture<Optional<LeaderInfo>> leader(String election) {
        return call("leader", Optional::empty);
    }

    @Override
    public Subscription observe(String election, Consumer<Optional<LeaderInfo>> observer) {
        observer.accept(Optional.empty());
        return () -> { };
    }
}
