package io.coordkit.etcd;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.CoordinationException;
import io.coordkit.Credentials;
import io.coordkit.Health;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.KvBackend;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.RegistryBackend;
import io.coordkit.spi.SessionEvents;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.grpc.VertxChannelBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One coordkit session on etcd: a jetcd client over every endpoint (gRPC round robin), one plain gRPC channel per
 * endpoint for keep-alives and status, and one etcd lease (the session) kept alive by {@link LeaseKeeper}.
 *
 * <p>jetcd is set up so that it never re-sends a command ({@code retryMaxAttempts(0)}; the core retries reads),
 * fails fast when no member is reachable ({@code waitForReady(false)}), and every gRPC call but a watch carries a
 * deadline ({@link Deadlines}): no call outlives the operation timeout, also against a frozen member. All of
 * jetcd's threads (Vert.x event loops, its executor, the watch scheduler) belong to this session and are stopped by
 * {@link #close()}.
 */
final class EtcdSession implements BackendSession {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdSession.class);
    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.FENCING_SURVIVES_FAILOVER,
            Capability.FAIR_LOCKS,
            Capability.READ_WRITE_LOCKS,
            Capability.SEMAPHORES,
            Capability.WATCH_EVERY_VERSION,
            Capability.WATCH_REPLAY,
            Capability.LINEARIZABLE_CONFIG,
            Capability.SESSION_SURVIVES_LEADER_FAILOVER,
            Capability.DURABLE_ACROSS_FAILOVER,
            Capability.REPORTS_ENGINE_LEADER));

    private final ConnectionSpec spec;
    private final Keys keys;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService jetcdExecutor;
    private final Vertx vertx;
    private final Client client;
    private final List<MemberChannel> members = new ArrayList<>();
    private final SessionStates states;
    private final LeaseKeeper keeper;
    private final EtcdKv kv;
    private final EtcdLocks locks;
    private final EtcdRegistry registry;
    private final EtcdElections elections;
    private volatile boolean closed;

    private EtcdSession(ConnectionSpec spec, SessionEvents events) {
        this.spec = spec;
        this.keys = new Keys(spec.namespace());
        int id = SESSIONS.incrementAndGet();
        String prefix = "coordkit-etcd-" + id + "-";
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemonThreads(prefix));
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads(prefix + "timer-"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.jetcdExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemonThreads(prefix + "jetcd-"));
        this.vertx = Vertx.vertx(new VertxOptions().setUseDaemonThread(true).setEventLoopPoolSize(2)
                .setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
        Duration connect = min(spec.connectTimeout(), spec.operationTimeout());
        List<String> endpoints = new ArrayList<>();
        for (Endpoint e : spec.endpoints()) {
            endpoints.add("http://" + e.toHostPort(EtcdProvider.DEFAULT_PORT));
        }
        ClientBuilder builder = Client.builder()
                .endpoints(endpoints.toArray(String[]::new))
                .vertx(vertx)
                .executorService(jetcdExecutor)
                .retryMaxAttempts(0)
                .waitForReady(false)
                .connectTimeout(connect)
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(3))
                .maxInboundMessageSize(256 * 1024 * 1024)
                // etcd's require-leader: a member without a leader fails a call at once instead of holding it
                .header("hasleader", "true")
                .interceptor(new Deadlines(spec.operationTimeout(), keepAliveTimeout(spec)));
        if (spec.credentials().isPresent()) {
            Credentials c = spec.credentials().get();
            builder.user(ByteSequence.from(c.username(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(c.password(), StandardCharsets.UTF_8));
        }
        this.client = builder.build();
        for (Endpoint e : spec.endpoints()) {
            members.add(new MemberChannel(e.toHostPort(EtcdProvider.DEFAULT_PORT),
                    VertxChannelBuilder.forAddress(vertx, e.host(), e.port() < 0 ? EtcdProvider.DEFAULT_PORT : e.port())
                            .usePlaintext()));
        }
        for (MemberChannel m : members) {
            m.builder.nettyBuilder().withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connect.toMillis());
            m.channel = m.builder.build();
        }
        this.states = new SessionStates(events, spec.uri());
        this.keeper = new LeaseKeeper(this);
        this.kv = new EtcdKv(this);
        this.locks = new EtcdLocks(this);
        this.registry = new EtcdRegistry(this);
        this.elections = new EtcdElections(this);
    }

    /**
     * Opens a session: grants the lease (retried until the connect timeout, since nothing is bound to a lease that
     * was never answered) and starts keeping it alive.
     *
     * @param spec   the connection options
     * @param events where session states go
     * @return the open session
     * @throws BackendUnavailableException if no lease was granted within the connect timeout; everything opened is
     *                                     closed again
     */
    static EtcdSession open(ConnectionSpec spec, SessionEvents events) {
        EtcdSession session;
        try {
            session = new EtcdSession(spec, events);
        } catch (RuntimeException e) {
            throw new BackendUnavailableException("could not set up an etcd client for " + spec.uri() + ": " + e, e);
        }
        try {
            session.keeper.grantFirst(spec.connectTimeout());
        } catch (RuntimeException e) {
            session.close();
            if (e instanceof BackendUnavailableException) {
                throw e;
            }
            throw new BackendUnavailableException("could not open an etcd session at " + spec.uri() + ": " + e, e);
        }
        LOG.info("{}: session lease 0x{} open, {} (namespace {})", spec.uri(), Long.toHexString(session.keeper.leaseId()),
                session.keeper.ttlDescription(), spec.namespace());
        return session;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public KvBackend kv() {
        return kv;
    }

    @Override
    public LockBackend locks() {
        return locks;
    }

    @Override
    public RegistryBackend registry() {
        return registry;
    }

    @Override
    public ElectionBackend elections() {
        return elections;
    }

    @Override
    public CompletableFuture<EngineStatus> status() {
        List<CompletableFuture<Health.Member>> probes = new ArrayList<>();
        for (MemberChannel m : members) {
            probes.add(probe(m));
        }
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<Health.Member> list = new ArrayList<>();
            long leaderId = 0;
            for (int i = 0; i < members.size(); i++) {
                Health.Member h = probes.get(i).join();
                list.add(h);
                if (members.get(i).lastStatus != null && members.get(i).lastStatus.getLeader() != 0) {
                    leaderId = members.get(i).lastStatus.getLeader();
                }
            }
            if (list.stream().noneMatch(Health.Member::reachable)) {
                throw new BackendUnavailableException("no etcd member of " + spec.uri() + " answered a status "
                        + "request within " + spec.operationTimeout());
            }
            Optional<String> leader = Optional.empty();
            for (MemberChannel m : members) {
                if (m.lastStatus != null && m.lastStatus.getHeader().getMemberId() == leaderId) {
                    leader = Optional.of(m.address);
                }
            }
            return new EngineStatus(list, leader);
        });
    }

    private CompletableFuture<Health.Member> probe(MemberChannel m) {
        long start = System.nanoTime();
        CompletableFuture<Health.Member> f = new CompletableFuture<>();
        com.google.common.util.concurrent.ListenableFuture<StatusResponse> call = MaintenanceGrpc.newFutureStub(m.channel)
                .withDeadlineAfter(spec.operationTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .status(StatusRequest.getDefaultInstance());
        call.addListener(() -> {
            Duration rtt = Duration.ofNanos(System.nanoTime() - start);
            try {
                StatusResponse s = call.get();
                m.lastStatus = s;
                boolean leads = s.getLeader() == s.getHeader().getMemberId();
                String role = s.getLeader() == 0 ? "no leader" : leads ? "leader" : "follower";
                f.complete(new Health.Member(m.address, true, role, s.getVersion(), rtt, String.format(
                        "member %x, raft term %d, raft index %d, db %d bytes; session lease 0x%x, %s",
                        s.getHeader().getMemberId(), s.getRaftTerm(), s.getRaftIndex(), s.getDbSize(),
                        keeper.leaseId(), keeper.ttlDescription())));
            } catch (Exception e) {
                m.lastStatus = null;
                m.channel.resetConnectBackoff();
                f.complete(new Health.Member(m.address, false, "unreachable", "", rtt,
                        String.valueOf(Errors.unwrap(e).getMessage())));
            }
        }, executor);
        return f;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        states.close();
        keeper.close();
        kv.close();
        registry.close();
        elections.close();
        locks.close();
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the jetcd client failed: {}", spec.uri(), e.toString());
        }
        for (MemberChannel m : members) {
            if (m.channel != null) {
                m.channel.shutdownNow();
            }
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture()
                    .get(spec.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("{}: Vert.x did not stop within {}: {}", spec.uri(), spec.operationTimeout(), e.toString());
        }
        scheduler.shutdownNow();
        jetcdExecutor.shutdownNow();
        executor.shutdown();
        LOG.info("{}: closed", spec.uri());
    }

    @Override
    public String toString() {
        return "EtcdSession[" + spec.uri() + ", lease 0x" + Long.toHexString(keeper.leaseId()) + "]";
    }

    // ---- for the primitives

    Client client() {
        return client;
    }

    Keys keys() {
        return keys;
    }

    ConnectionSpec spec() {
        return spec;
    }

    SessionStates states() {
        return states;
    }

    LeaseKeeper keeper() {
        return keeper;
    }

    List<MemberChannel> members() {
        return members;
    }

    ExecutorService executor() {
        return executor;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * @return the current session lease
     * @throws BackendUnavailableException if there is none now: the last was lost and etcd has not granted a new
     *                                     one yet (the keeper asks every 500 ms)
     */
    long lease() {
        long id = keeper.leaseId();
        if (id == 0) {
            throw new BackendUnavailableException("no etcd session at " + spec.uri() + " now: the last one was lost "
                    + "and etcd has not granted a new one yet");
        }
        return id;
    }

    /**
     * Calls jetcd and maps its failure onto coordkit's exceptions; the continuation runs on this session's
     * executor, never on a gRPC or Vert.x thread.
     *
     * @param operation for messages
     * @param target    for messages
     * @param call      starts the call
     * @param <T>       the result type
     * @return the mapped future
     */
    <T> CompletableFuture<T> call(String operation, String target, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> out = new CompletableFuture<>();
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            out.completeExceptionally(Errors.map(operation, target, spec.uri(), spec.operationTimeout(), e));
            return out;
        }
        f.whenCompleteAsync((r, t) -> {
            if (t != null) {
                out.completeExceptionally(Errors.map(operation, target, spec.uri(), spec.operationTimeout(), t));
            } else {
                out.complete(r);
            }
        }, this::runSafely);
        return out;
    }

    /**
     * @param t the failure
     * @param operation for messages
     * @param target for messages
     * @return t as a coordkit exception
     */
    CoordinationException map(Throwable t, String operation, String target) {
        return Errors.map(operation, target, spec.uri(), spec.operationTimeout(), t);
    }

    /** Runs a task on the executor, or on the calling thread once the executor is shut down. */
    void runSafely(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * Runs a task later on the executor; nothing once closed.
     *
     * @param task  the task
     * @param delay the delay in milliseconds
     * @return the scheduled task, or null if closed
     */
    ScheduledFuture<?> schedule(Runnable task, long delay) {
        try {
            return scheduler.schedule(() -> runSafely(task), Math.max(0, delay), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private static Duration keepAliveTimeout(ConnectionSpec spec) {
        return min(spec.operationTimeout(), Duration.ofMillis(Math.max(500, spec.sessionTtl().toMillis() / 3)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A plain gRPC channel to one member, for keep-alives and status. */
    static final class MemberChannel {
        final String address;
        final VertxChannelBuilder builder;
        volatile ManagedChannel channel;
        volatile StatusResponse lastStatus;

        MemberChannel(String address, VertxChannelBuilder builder) {
            this.address = address;
            this.builder = builder;
        }

        @Override
        public String toString() {
            return address;
        }
    }

    /**
     * Gives every gRPC call of jetcd a deadline: the operation timeout, or for a lease keep-alive stream the
     * keep-alive timeout. Watches have none (they live until closed; {@link EtcdWatch} has its own watchdog).
     */
    static final class Deadlines implements ClientInterceptor {
        private final long unaryMillis;
        private final long keepAliveMillis;

        Deadlines(Duration operationTimeout, Duration keepAliveTimeout) {
            this.unaryMillis = operationTimeout.toMillis();
            this.keepAliveMillis = keepAliveTimeout.toMillis();
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            if (options.getDeadline() == null) {
                String name = method.getFullMethodName();
                if (name.endsWith("Watch/Watch")) {
                    return next.newCall(method, options);
                }
                long ms = name.endsWith("/LeaseKeepAlive") ? keepAliveMillis : unaryMillis;
                options = options.withDeadlineAfter(ms, TimeUnit.MILLISECONDS);
            }
            return next.newCall(method, options);
        }
    }
}
