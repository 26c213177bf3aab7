package io.coordkit.zookeeper;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.Credentials;
import io.coordkit.spi.AdminBackend;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConfigBackend;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.DaemonThreads;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.RegistryBackend;
import io.coordkit.spi.SessionEvents;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.imps.DefaultACLProvider;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One coordkit session on ZooKeeper: a Curator client whose ZooKeeper session is the coordkit session.
 *
 * <p>Curator is configured to never retry ({@code RetryNTimes(0, 0)}; the core retries reads), with the
 * session TTL as session timeout, the connect timeout (at most the TTL) as the time an operation waits for a
 * connection, no ensemble tracking (the URI's
 * hosts are used as given) and, with credentials, digest authentication and {@code CREATOR_ALL} ACLs.
 * Every operation runs in the background with its callback on this session's executor.
 */
final class ZkSession implements BackendSession {

    private static final Logger LOG = LoggerFactory.getLogger(ZkSession.class);

    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(
            Capability.FENCING_SURVIVES_FAILOVER,
            Capability.FAIR_LOCKS,
            Capability.READ_WRITE_LOCKS,
            Capability.SEMAPHORES,
            Capability.LINEARIZABLE_CONFIG,
            Capability.SESSION_SURVIVES_LEADER_FAILOVER,
            Capability.DURABLE_ACROSS_FAILOVER,
            Capability.REPORTS_ENGINE_LEADER,
            Capability.ENGINE_ADMIN));

    private final ConnectionSpec spec;
    private final String connectString;
    private final CuratorFramework curator;
    /** The ACLs of the nodes this session creates (also those made with the raw handle, see {@link #acl}). */
    private final ACLProvider acls;
    private final SessionTracker tracker;
    private final StandaloneServer standalone;
    private final SessionEvents events;
    private final Paths paths;
    private final ThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Ops ops;
    private final ZkConfig config;
    private final ZkLocks locks;
    private final ZkRegistry registry;
    private final ZkElections elections;
    private final ZkAdmin admin;
    private volatile boolean closed;

    private ZkSession(ConnectionSpec spec, String connectString, SessionEvents events) {
        this.spec = spec;
        this.connectString = connectString;
        this.paths = new Paths(spec.namespace());
        int id = SESSIONS.incrementAndGet();
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), DaemonThreads.named("coordkit-zk-" + id));
        this.scheduler = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("coordkit-zk-" + id + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        // Lock attempts schedule their wait limit and their lease's watch (ZkLease.WATCH_AFTER, a second) here and
        // mostly cancel them: a periodic no-op keeps them from becoming the queue's earliest task, which would wake
        // the timer thread for each of them (as the core's timer does, CoordinatorThreads)
        this.scheduler.scheduleAtFixedRate(() -> { }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);

        int operationMs = millis(spec.operationTimeout());
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(millis(spec.sessionTtl()))
                // how long an operation waits for a connection; never longer than the session could live
                .connectionTimeoutMs(Math.min(millis(spec.connectTimeout()), millis(spec.sessionTtl())))
                .retryPolicy(new RetryNTimes(0, 0))
                .ensembleTracker(false)
                .maxCloseWaitMs(Math.max(1, operationMs / 2))
                .waitForShutdownTimeoutMs(Math.max(1, operationMs / 2))
                .threadFactory(DaemonThreads.named("coordkit-zk-" + id + "-curator"));
        if (spec.credentials().isPresent()) {
            Credentials c = spec.credentials().get();
            builder.authorization("digest", (c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
            this.acls = new CreatorAcls();
        } else {
            this.acls = new DefaultACLProvider(); // every node open, as Curator does by default
        }
        builder.aclProvider(acls);
        this.curator = builder.build();
        this.events = events;
        this.tracker = new SessionTracker(events, this::currentSessionId, spec.uri());
        this.curator.getConnectionStateListenable().addListener(tracker);
        this.standalone = new StandaloneServer(connectString, curator);
        this.curator.getCuratorListenable().addListener(standalone);
        this.ops = new Ops(curator, executor);
        this.config = new ZkConfig(this);
        this.locks = new ZkLocks(this);
        this.registry = new ZkRegistry(this);
        this.elections = new ZkElections(this);
        this.admin = new ZkAdmin(this, spec.namespace());
    }

    private static final AtomicInteger SESSIONS = new AtomicInteger();
    /** The period of the timer's no-op task (see the constructor). */
    private static final long TICK_MS = 1000;

    /**
     * Opens a session and waits for it.
     *
     * @param spec          the connection options
     * @param connectString the ZooKeeper connect string
     * @param events        where session states go
     * @return the connected session
     * @throws BackendUnavailableException if no session was established within the connect timeout; everything
     *                                     opened is closed again
     */
    static ZkSession open(ConnectionSpec spec, String connectString, SessionEvents events) {
        ZkSession session = new ZkSession(spec, connectString, events);
        boolean connected = false;
        try {
            session.curator.start();
            connected = session.curator.blockUntilConnected(millis(spec.connectTimeout()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.closeInBackground();
            throw new BackendUnavailableException("interrupted while connecting", e);
        } catch (RuntimeException e) {
            session.closeInBackground();
            throw new BackendUnavailableException(e.getMessage(), e);
        }
        long id = session.currentSessionId();
        if (!connected || id == 0) {
            session.closeInBackground();
            // the core words it: "could not connect to URI within the connect timeout of ... (URI-6)"
            throw new BackendUnavailableException("no ZooKeeper session was established");
        }
        session.tracker.connected(id);
        session.checkNegotiatedTimeout();
        session.startConfirming();
        LOG.info("{}: session 0x{} open (namespace {})", spec.uri(), Long.toHexString(id), spec.namespace());
        return session;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** @return the timeout the server negotiated for the current session (it clamps to its min/max) */
    @Override
    public Duration sessionTtl() {
        try {
            int negotiated = zooKeeper().getSessionTimeout();
            if (negotiated > 0) {
                return Duration.ofMillis(negotiated);
            }
        } catch (Exception e) {
            LOG.debug("could not read the negotiated session timeout", e);
        }
        return spec.sessionTtl();
    }

    /**
     * ZooKeeper's client hides its pings, so the session is confirmed (SES-8) by a {@code sync} every quarter of the
     * TTL: it passes through the leader, which is what expires sessions. The confirmation counts only if it was
     * answered in the session it was sent in.
     */
    private void startConfirming() {
        long period = Math.max(50, sessionTtl().toMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::confirm, 0, period, TimeUnit.MILLISECONDS);
    }

    private void confirm() {
        if (closed) {
            return;
        }
        try {
            ZooKeeper zk = zooKeeper();
            long sessionId = zk.getSessionId();
            long sent = System.nanoTime();
            zk.sync("/", (rc, path, ctx) -> {
                if (rc == KeeperException.Code.OK.intValue() && sessionId != 0 && sessionId == currentSessionId()) {
                    events.confirmed(sent);
                }
            }, null);
        } catch (Exception e) {
            LOG.debug("{}: no session confirmation sent: {}", spec.uri(), e.toString());
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
        return StatusProbe.probe(connectString, spec.operationTimeout(), executor, detail());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        tracker.close();
        config.close();
        registry.close();
        elections.close();
        locks.close();
        try {
            curator.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: closing the ZooKeeper client failed: {}", spec.uri(), e.toString());
        }
        scheduler.shutdownNow();
        executor.shutdown();
        LOG.info("{}: closed", spec.uri());
    }

    /**
     * Closes after a failed connect without making the caller wait: closing a client that never reached a server
     * can take as long as Curator's close wait, and the user's connect timeout has already run out.
     */
    private void closeInBackground() {
        Thread t = new Thread(this::close, "coordkit-zk-close");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public String toString() {
        return "ZkSession[" + spec.uri() + ", session 0x" + Long.toHexString(tracker.sessionId()) + "]";
    }

    // ---- for the primitives

    /** @return the Curator client */
    CuratorFramework curator() {
        return curator;
    }

    /** @return the plain background operations */
    Ops ops() {
        return ops;
    }

    /** @return the paths of this namespace */
    Paths paths() {
        return paths;
    }

    /** @return where callbacks and completions run */
    Executor executor() {
        return executor;
    }

    /** @return the connection options */
    ConnectionSpec spec() {
        return spec;
    }

    /** @return the session state tracker */
    SessionTracker tracker() {
        return tracker;
    }

    /** @return whether the server the session is connected to is standalone (reads need no sync) */
    StandaloneServer standalone() {
        return standalone;
    }

    /** @return true once closed */
    boolean isClosed() {
        return closed;
    }

    /**
     * @return the current raw ZooKeeper handle (it changes with every new session)
     * @throws Exception if Curator has none
     */
    ZooKeeper zooKeeper() throws Exception {
        return curator.getZookeeperClient().getZooKeeper();
    }

    /**
     * @param path a node's path
     * @return the ACL Curator gives a node it creates there, for a create made with the raw handle
     */
    List<ACL> acl(String path) {
        List<ACL> acl = acls.getAclForPath(path);
        return acl == null || acl.isEmpty() ? acls.getDefaultAcl() : acl;
    }

    /**
     * Runs a task later on the session executor; does nothing once closed.
     *
     * @param task  the task
     * @param delay the delay
     * @param unit  its unit
     * @return the scheduled task, or null if closed
     */
    ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            return scheduler.schedule(() -> {
                try {
                    executor.execute(task);
                } catch (RejectedExecutionException e) {
                    // closed meanwhile
                }
            }, delay, unit);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private long currentSessionId() {
        try {
            ZooKeeper zk = zooKeeper();
            return zk.getState().isConnected() ? zk.getSessionId() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private void checkNegotiatedTimeout() {
        try {
            int negotiated = zooKeeper().getSessionTimeout();
            if (negotiated != millis(spec.sessionTtl())) {
                LOG.warn("{}: asked for a session TTL of {} but the server granted {} ms (see its min/"
                                + "maxSessionTimeout); the granted TTL applies", spec.uri(), spec.sessionTtl(),
                        negotiated);
            }
        } catch (Exception e) {
            LOG.debug("could not read the negotiated session timeout", e);
        }
    }

    private String detail() {
        try {
            return "session 0x" + Long.toHexString(tracker.sessionId()) + ", negotiated session timeout "
                    + zooKeeper().getSessionTimeout() + " ms";
        } catch (Exception e) {
            return "session 0x" + Long.toHexString(tracker.sessionId());
        }
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    /**
     * With credentials: nodes are readable and writable by their creator only; {@code /coordkit} and the
     * directories of nested namespaces ({@code /coordkit/x} of namespace {@code x/y}) are shared.
     */
    private static final class CreatorAcls implements ACLProvider {
        @Override
        public List<ACL> getDefaultAcl() {
            return ZooDefs.Ids.CREATOR_ALL_ACL;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            return Paths.isSharedDirectory(path) ? ZooDefs.Ids.OPEN_ACL_UNSAFE : ZooDefs.Ids.CREATOR_ALL_ACL;
        }
    }
}
