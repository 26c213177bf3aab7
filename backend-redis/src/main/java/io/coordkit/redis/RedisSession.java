package io.coordkit.redis;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.spi.AdminBackend;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.ConfigBackend;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.RegistryBackend;
import io.coordkit.spi.SessionEvents;
import io.lettuce.core.RedisURI;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One coordinator's session on Redis: the connection, the liveness key, the notifier and the primitives. */
final class RedisSession implements BackendSession {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final ConnectionSpec spec;
    private final Set<Capability> capabilities;
    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService keeperThread;
    private final Link link;
    private final SessionKeeper keeper;
    private final Notifier notifier;
    private final RedisConfig config;
    private final RedisLocks locks;
    private final RedisRegistry registry;
    private final RedisElections elections;
    private final StatusProbe probe;
    private final RedisAdmin admin;

    private RedisSession(ConnectionSpec spec, RedisURI redisUri, List<io.coordkit.spi.Endpoint> sentinels,
                         String master, int waitReplicas, long streamLength, SessionEvents events) {
        this.spec = spec;
        this.capabilities = capabilities(!sentinels.isEmpty());
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "coordkit-redis-" + SEQUENCE.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        this.scheduler = s;
        // The liveness key's renewals get a thread of their own: nothing else (a notifier's connect, a burst of
        // re-checks, class loading in a cold JVM) may delay them past the TTL.
        ScheduledThreadPoolExecutor k = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "coordkit-redis-session-" + SEQUENCE.get());
            t.setDaemon(true);
            return t;
        });
        k.setRemoveOnCancelPolicy(true);
        this.keeperThread = k;
        Keys keys = new Keys(spec.namespace());
        SessionKeeper[] keeperRef = new SessionKeeper[1];
        Notifier[] notifierRef = new Notifier[1];
        // a new connection's first answer: at most the operation timeout, at least a second, else a third of the TTL
        Duration handshake = Duration.ofMillis(Math.min(spec.operationTimeout().toMillis(),
                Math.max(1000, spec.sessionTtl().toMillis() / 3)));
        this.link = new Link(redisUri, spec.uri(), keys.base(), spec.operationTimeout(), spec.connectTimeout(),
                handshake, () -> {
            if (keeperRef[0] != null) {
                keeperRef[0].connectionBroken();
            }
            if (notifierRef[0] != null) {
                notifierRef[0].reset();
            }
        });
        this.keeper = new SessionKeeper(link, keys, spec.sessionTtl(), new SessionStates(events),
                keeperThread, !sentinels.isEmpty());
        keeperRef[0] = keeper;
        this.notifier = new Notifier(link, scheduler, recheckPeriod(spec.sessionTtl()));
        notifierRef[0] = notifier;
        Replication replication = new Replication(link, waitReplicas);
        this.config = new RedisConfig(link, keys, notifier, scheduler, streamLength, replication);
        this.locks = new RedisLocks(link, keys, keeper, notifier, scheduler, scheduler, replication);
        keeper.beforeReconnected(locks::verifyHeld);
        this.registry = new RedisRegistry(link, keys, keeper, notifier, scheduler, replication);
        this.elections = new RedisElections(link, keys, keeper, notifier, scheduler, replication);
        this.probe = new StatusProbe(link, sentinels, master);
        this.admin = new RedisAdmin(link, keys, spec.namespace(), registry, elections);
    }

    /**
     * How often every waiter, watch and candidacy re-reads its object besides notifications: a quarter of the TTL,
     * between 100 ms and 1 s. Part of the bound B: a lock whose holder's session expired is taken by a waiter
     * within one period (plus a round trip) after Redis expired the key.
     */
    static Duration recheckPeriod(Duration ttl) {
        return Duration.ofMillis(Math.max(100, Math.min(1000, ttl.toMillis() / 4)));
    }

    static Set<Capability> capabilities(boolean sentinel) {
        Set<Capability> c = EnumSet.of(Capability.FAIR_LOCKS, Capability.READ_WRITE_LOCKS, Capability.SEMAPHORES,
                Capability.WATCH_EVERY_VERSION, Capability.WATCH_REPLAY, Capability.REPORTS_ENGINE_LEADER,
                Capability.ENGINE_ADMIN);
        if (!sentinel) {
            // one server, every command on it, scripts atomic: linearizable while the server lives
            c.add(Capability.LINEARIZABLE_CONFIG);
        }
        return c;
    }

    static RedisSession open(ConnectionSpec spec, RedisURI redisUri, List<io.coordkit.spi.Endpoint> sentinels,
                             String master, int waitReplicas, long streamLength, SessionEvents events) {
        RedisSession s = new RedisSession(spec, redisUri, sentinels, master, waitReplicas, streamLength, events);
        try {
            s.keeper.open(spec.connectTimeout());
            return s;
        } catch (RuntimeException e) {
            s.shutdown();
            if (e instanceof BackendUnavailableException) {
                throw e;
            }
            throw new BackendUnavailableException("cannot connect to " + spec.uri() + ": " + e.getMessage(), e);
        }
    }

    /** @return the session TTL as asked for: the liveness key's PX is exact to the millisecond */
    @Override
    public Duration sessionTtl() {
        return spec.sessionTtl();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
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
        return probe.status();
    }

    @Override
    public void close() {
        try {
            keeper.close().get(spec.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // the key expires by itself within the TTL
        }
        shutdown();
    }

    private void shutdown() {
        notifier.close();
        link.close();
        scheduler.shutdownNow();
        keeperThread.shutdownNow();
    }

    @Override
    public String toString() {
        return "redis session of " + spec.uri();
    }
}
