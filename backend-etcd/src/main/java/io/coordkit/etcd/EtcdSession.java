package io.coordkit.etcd;

import io.coordkit.BackendUnavailableException;
import io.coordkit.spi.Futures;
import io.coordkit.Capability;
import io.coordkit.CoordinationException;
import io.coordkit.Credentials;
import io.coordkit.Health;
import io.coordkit.spi.AdminBackend;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.ConfigBackend;
import io.coordkit.spi.DaemonThreads;
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
            Capability.DURABLE_ACROSS_FAILOVER,
            Capability.REPORTS_ENGINE_LEADER,
            Capability.ENGINE_ADMIN));

    private final ConnectionSpec spec;
    private final Keys keys;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService jetcdExecutor;
    private final Vertx vertx;
    private final Client client;
    private final List<MemberChannel> members = new ArrayList<>();
    private final MemberRouting routing;
    private final ManagedChannel jetcdChannel;
    private final java.util.concurrent.atomic.AtomicLong lastReconnectNanos = new java.util.concurrent.atomic.AtomicLong();
    private final SessionStates states;
    private final LeaseKeeper keeper;
    private final EtcdConfig config;
    private final EtcdLocks locks;
    private final EtcdRegistry registry;
    private final EtcdElections elections;
    private final EtcdAdmin admin;
    private volatile boolean closed;
    private volatile Set<Capability> capabilities = CAPABILITIES;

    private EtcdSession(ConnectionSpec spec, SessionEvents events) {
        this.spec = spec;
        this.keys = new Keys(spec.namespace());
        int id = SESSIONS.incrementAndGet();
        String prefix = "coordkit-etcd-" + id;
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.named(prefix));
        this.scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named(prefix + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        // A held lease schedules its watch a second ahead (EtcdLease.WATCH_AFTER_MS) and mostly cancels it: a
        // periodic no-op keeps such tasks from becoming the queue's earliest, which would wake the timer thread for
        // each of them
        this.scheduler.scheduleAtFixedRate(() -> { }, 1000, 1000, TimeUnit.MILLISECONDS);
        this.jetcdExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), DaemonThreads.named(prefix + "-jetcd"));
        this.vertx = Vertx.vertx(new VertxOptions().setUseDaemonThread(true).setEventLoopPoolSize(2)
                .setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
        Duration connect = min(spec.connectTimeout(), spec.operationTimeout());
        List<java.net.InetSocketAddress> addresses = new ArrayList<>();
        for (Endpoint e : spec.endpoints()) {
            addresses.add(new java.net.InetSocketAddress(e.host(), e.port() < 0 ? EtcdProvider.DEFAULT_PORT : e.port()));
        }
        this.routing = new MemberRouting(this, addresses, Math.max(500, spec.sessionTtl().toMillis() / 3),
                keepAliveTimeout(spec).toMillis());
        ClientBuilder builder = Client.builder()
                .target(routing.target())
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
        this.jetcdChannel = channelOf(client);
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
        this.config = new EtcdConfig(this);
        this.locks = new EtcdLocks(this);
        this.registry = new EtcdRegistry(this);
        this.elections = new EtcdElections(this);
        this.admin = new EtcdAdmin(this, spec.namespace());
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
        // probe the members while the lease is granted: one that does not answer is kept out of jetcd's rotation
        CompletableFuture<java.util.Map<Integer, StatusResponse>> firstProbe = session.routing.start();
        try {
            session.keeper.grantFirst(spec.connectTimeout());
        } catch (RuntimeException e) {
            session.close();
            if (e instanceof BackendUnavailableException) {
                throw e;
            }
            throw new BackendUnavailableException("could not open an etcd session at " + spec.uri() + ": " + e, e);
        }
        session.capabilities = session.claims(firstProbe);
        LOG.info("{}: session lease 0x{} open, {} (namespace {})", spec.uri(), Long.toHexString(session.keeper.leaseId()),
                session.keeper.ttlDescription(), spec.namespace());
        return session;
    }

    @Override
    public Duration sessionTtl() {
        return keeper.grantedTtl();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    /**
     * SESSION_SURVIVES_LEADER_FAILOVER is claimed only when every member that answers runs an etcd that no longer
     * lets a resumed old leader revoke leases (etcd #15247, fixed by #16822 and its 3.4/3.5 backports): with an
     * older etcd, a leader frozen longer than the TTL can, when it resumes, revoke every lease that expired in its
     * stale view, although the clients kept them alive through the new leader. This backend's keep-alives survive
     * the freeze; the engine then revokes the lease, and the session is reported LOST. The cut-offs (3.4.30,
     * 3.5.13, 3.6.0) are releases made after the fix was merged.
     */
    private Set<Capability> claims(CompletableFuture<java.util.Map<Integer, StatusResponse>> firstProbe) {
        List<String> versions = new ArrayList<>();
        try {
            // the probe's own deadline is the keep-alive timeout: a frozen member delays connect by that much at most
            for (StatusResponse s : firstProbe.get(keepAliveTimeout(spec).toMillis() + 1000, TimeUnit.MILLISECONDS)
                    .values()) {
                versions.add(s.getVersion());
            }
        } catch (Exception e) {
            LOG.info("{}: could not read the etcd version ({}); SESSION_SURVIVES_LEADER_FAILOVER not claimed",
                    spec.uri(), e.toString());
            return CAPABILITIES;
        }
        if (versions.isEmpty() || !versions.stream().allMatch(EtcdSession::revokesOnlyAsLeader)) {
            LOG.info("{}: etcd {} may let a resumed old leader revoke live leases (etcd #15247); "
                    + "SESSION_SURVIVES_LEADER_FAILOVER not claimed", spec.uri(), versions);
            return CAPABILITIES;
        }
        EnumSet<Capability> all = EnumSet.copyOf(CAPABILITIES);
        all.add(Capability.SESSION_SURVIVES_LEADER_FAILOVER);
        return Set.copyOf(all);
    }

    /**
     * @param version an etcd server version, for example {@code 3.4.23}
     * @return true if that version has the fix of etcd #15247 (conservatively)
     */
    static boolean revokesOnlyAsLeader(String version) {
        String[] parts = version.split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            int patch = Integer.parseInt(parts[2]);
            if (major != 3) {
                return major > 3;
            }
            return minor >= 6 || (minor == 5 && patch >= 13) || (minor == 4 && patch >= 30);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public ConfigBackend config() {
        return config;
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
    public Optional<AdminBackend> admin() {
        return Optional.of(admin);
    }

    @Override
    public CompletableFuture<EngineStatus> status() {
        // member names from the cluster API (best effort), roles, terms and versions from each member's status
        CompletableFuture<java.util.Map<Long, String>> names = client.getClusterClient().listMember()
                .thenApply(r -> {
                    java.util.Map<Long, String> m = new java.util.HashMap<>();
                    r.getMembers().forEach(member -> m.put(member.getId(), member.getName()));
                    return m;
                }).exceptionally(t -> java.util.Map.<Long, String>of())
                // names are a nicety: never let a slow member list hold the health answer
                .completeOnTimeout(java.util.Map.of(), Math.min(1000, spec.operationTimeout().toMillis() / 2),
                        TimeUnit.MILLISECONDS);
        List<CompletableFuture<Probe>> probes = new ArrayList<>();
        for (MemberChannel m : members) {
            probes.add(probe(m));
        }
        
        List<CompletableFuture<?>> all = new ArrayList<>(probes);
        all.add(names);
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> {
            java.util.Map<Long, String> byId = names.join();
            List<Health.Member> list = new ArrayList<>();
            long leaderId = 0;
            for (int i = 0; i < members.size(); i++) {
                Health.Member h = probes.get(i).join().member();
                StatusResponse s = probes.get(i).join().status();
                if (s != null) {
                    String name = byId.get(s.getHeader().getMemberId());
                    if (name != null) {
                        h = new Health.Member(h.address(), h.reachable(), h.role(), h.version(), h.roundTrip(),
                                "name " + name + ", " + h.detail());
                    }
                    if (s.getLeader() != 0) {
                        leaderId = s.getLeader();
                    }
                }
                list.add(h);
            }
            if (list.stream().noneMatch(Health.Member::reachable)) {
                throw new BackendUnavailableException("no etcd member of " + spec.uri() + " answered a status "
                        + "request within " + spec.operationTimeout());
            }
            Optional<String> leader = Optional.empty();
            for (int i = 0; i < members.size(); i++) {
                StatusResponse s = probes.get(i).join().status();
                if (s != null && s.getHeader().getMemberId() == leaderId) {
                    leader = Optional.of(members.get(i).address);
                }
            }
            return new EngineStatus(list, leader);
        }, this::runSafely);
    }

    /** One member's answer to a status request: what health shows, and the raw status (null if unreachable). */
    private record Probe(Health.Member member, StatusResponse status) {
    }

    private CompletableFuture<Probe> probe(MemberChannel m) {
        long start = System.nanoTime();
        CompletableFuture<Probe> f = new CompletableFuture<>();
        com.google.common.util.concurrent.ListenableFuture<StatusResponse> call = MaintenanceGrpc.newFutureStub(m.channel)
                .withDeadlineAfter(spec.operationTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .status(StatusRequest.getDefaultInstance());
        call.addListener(() -> {
            Duration rtt = Duration.ofNanos(System.nanoTime() - start);
            try {
                StatusResponse s = call.get();
                boolean leads = s.getLeader() == s.getHeader().getMemberId();
                String role = s.getLeader() == 0 ? "no leader" : leads ? "leader" : "follower";
                f.complete(new Probe(new Health.Member(m.address, true, role, s.getVersion(), rtt, String.format(
                        "member %x, raft term %d, raft index %d, db %d bytes; session lease 0x%x, %s",
                        s.getHeader().getMemberId(), s.getRaftTerm(), s.getRaftIndex(), s.getDbSize(),
                        keeper.leaseId(), keeper.ttlDescription())), s));
            } catch (Exception e) {
                m.channel.resetConnectBackoff();
                f.complete(new Probe(new Health.Member(m.address, false, "unreachable", "", rtt,
                        String.valueOf(Futures.unwrap(e).getMessage())), null));
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
        routing.close();
        keeper.close();
        config.close();
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
            // the revoke above took at most half the operation timeout; this takes at most the other half
            vertx.close().toCompletionStage().toCompletableFuture()
                    .get(Math.max(1, spec.operationTimeout().toMillis() / 2), TimeUnit.MILLISECONDS);
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
                CoordinationException e = Errors.map(operation, target, spec.uri(), spec.operationTimeout(), t);
                if (e instanceof BackendUnavailableException && !closed) {
                    reconnectNow(false);
                }
                out.completeExceptionally(e);
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

    /**
     * jetcd keeps its gRPC channel to itself. After an outage gRPC waits out an exponential reconnect back-off (1 s,
     * 1.6 s, 2.6 s, ... up to 2 min) before it tries a member again, so calls would keep failing for seconds after
     * etcd is back. The channel is taken out of jetcd by reflection so that {@link #reconnectNow()} can reset that
     * back-off; if jetcd's internals change, this is logged and skipped (calls still work, they only recover later).
     */
    private static ManagedChannel channelOf(Client client) {
        try {
            java.lang.reflect.Field f = client.getClass().getDeclaredField("connectionManager");
            f.setAccessible(true);
            Object manager = f.get(client);
            java.lang.reflect.Method m = manager.getClass().getDeclaredMethod("getChannel");
            m.setAccessible(true);
            return (ManagedChannel) m.invoke(manager);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot reach jetcd's gRPC channel ({}); reconnects after an outage follow gRPC's back-off",
                    e.toString());
            return null;
        }
    }

    /**
     * Makes every channel try its members again at once instead of after its reconnect back-off: called when a
     * keep-alive got through again, after a new lease ({@code force}), and when a call found etcd unavailable
     * (at most every 500 ms).
     *
     * @param force also within 500 ms of the last reset
     */
    void reconnectNow(boolean force) {
        long now = System.nanoTime();
        long last = lastReconnectNanos.get();
        if (!force && (now - last < TimeUnit.MILLISECONDS.toNanos(500)
                || !lastReconnectNanos.compareAndSet(last, now))) {
            return;
        }
        lastReconnectNanos.set(now);
        if (jetcdChannel != null) {
            jetcdChannel.resetConnectBackoff();
        }
        for (MemberChannel m : members) {
            if (m.channel != null) {
                m.channel.resetConnectBackoff();
            }
        }
    }

    private static Duration keepAliveTimeout(ConnectionSpec spec) {
        return min(spec.operationTimeout(), Duration.ofMillis(Math.max(500, spec.sessionTtl().toMillis() / 3)));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A plain gRPC channel to one member, for keep-alives and status. */
    static final class MemberChannel {
        final String address;
        final VertxChannelBuilder builder;
        volatile ManagedChannel channel;

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
