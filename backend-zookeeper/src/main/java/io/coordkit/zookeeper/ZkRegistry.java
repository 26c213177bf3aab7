package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.Subscription;
import io.coordkit.naming.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendRegistration;
import io.coordkit.spi.RegistryBackend;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The service registry: one ephemeral node {@code registry/<service>/instance~<id>} per instance, holding the
 * address and metadata ({@link Codec}). Own recipe rather than curator-x-discovery: that one re-registers
 * instances behind the caller's back after reconnects (CURATOR-164/181), while in coordkit the core decides
 * when to register again.
 *
 * <p>An existing node of the same id is judged by its ephemeral owner: a node of one of this coordinator's
 * former (lost) sessions is replaced when the core registers again ({@code renewal}); a node of the current
 * session left by an attempt whose answer was lost in a connection drop is taken over (and removed on the
 * next reconnect if nobody registers it again); anything else belongs to a live registration and is refused
 * (REG-3).
 */
final class ZkRegistry implements RegistryBackend {

    private static final Logger LOG = LoggerFactory.getLogger(ZkRegistry.class);
    private static final int MAX_ROUNDS = 8;

    private final ZkSession session;
    private final CuratorFramework curator;
    private final Paths paths;
    /** The registrations of this session by node path. */
    private final Map<String, ZkRegistration> active = new ConcurrentHashMap<>();
    /** Nodes whose create ended in a connection drop: removed once the connection is back, unless claimed. */
    private final Set<String> maybeOrphaned = ConcurrentHashMap.newKeySet();
    private final Set<SnapshotWatch<List<ServiceInstance>>> watches = ConcurrentHashMap.newKeySet();
    private final SessionTracker.Listener stateListener = this::stateChanged;

    ZkRegistry(ZkSession session) {
        this.session = session;
        this.curator = session.curator();
        this.paths = session.paths();
        session.tracker().addListener(stateListener);
    }

    @Override
    public CompletableFuture<BackendRegistration> register(String service, ServiceInstance instance,
                                                           boolean renewal) {
        String path = paths.instance(service, instance.id());
        String what = "registration of instance '" + instance.id() + "' of service '" + service + "'";
        CompletableFuture<BackendRegistration> result = new CompletableFuture<>();
        attempt(path, Codec.instance(instance), renewal, what, 0).whenComplete((czxid, t) -> {
            if (t != null) {
                if (Errors.isUnavailable(t)) {
                    maybeOrphaned.add(path);
                }
                result.completeExceptionally(Errors.unwrap(t));
                return;
            }
            ZkRegistration reg = new ZkRegistration(path, czxid, what);
            active.put(path, reg);
            if (!result.complete(reg)) {
                reg.deregister(); // the caller gave up meanwhile (SPI-8)
            }
        });
        return result;
    }

    /** @return the czxid of the node now registered */
    private CompletableFuture<Long> attempt(String path, byte[] data, boolean renewal, String what, int round) {
        if (round >= MAX_ROUNDS) {
            return Async.failed(new CoordinationException(what + " failed: the node kept changing owner"));
        }
        return Async.run(session.executor(), what, (cb, ex) -> curator.create().creatingParentContainersIfNeeded()
                        .withMode(CreateMode.EPHEMERAL).inBackground(cb, ex).forPath(path, data))
                .thenCompose(e -> switch (Async.code(e)) {
                    case OK -> e.getStat() != null ? CompletableFuture.completedFuture(e.getStat().getCzxid())
                            : stat(path, what).thenApply(s -> s == null ? 0L : s.getCzxid());
                    case NODEEXISTS -> stat(path, what).thenCompose(s -> existing(path, data, s, renewal, what,
                            round));
                    default -> Async.failed(Errors.of(e, what));
                });
    }

    private CompletableFuture<Long> existing(String path, byte[] data, Stat stat, boolean renewal, String what,
                                             int round) {
        if (stat == null) {
            return attempt(path, data, renewal, what, round + 1); // gone meanwhile
        }
        long owner = stat.getEphemeralOwner();
        SessionTracker tracker = session.tracker();
        if (owner == tracker.sessionId() && maybeOrphaned.remove(path) && !active.containsKey(path)) {
            // ours, left by an earlier attempt whose answer was lost in a connection drop: take it over
            return setData(path, data, stat.getVersion(), what).thenCompose(e -> switch (Async.code(e)) {
                case OK -> CompletableFuture.completedFuture(e.getStat().getCzxid());
                case BADVERSION, NONODE -> attempt(path, data, renewal, what, round + 1);
                default -> Async.failed(Errors.of(e, what));
            });
        }
        if (renewal && owner != 0 && tracker.isFormerSession(owner)) {
            LOG.info("{}: replacing the entry left by the lost session 0x{}", what, Long.toHexString(owner));
            return delete(path, stat.getVersion(), what).thenCompose(e -> switch (Async.code(e)) {
                case OK, NONODE, BADVERSION -> attempt(path, data, renewal, what, round + 1);
                default -> Async.failed(Errors.of(e, what));
            });
        }
        String by = owner == tracker.sessionId() ? "this coordinator"
                : "a live session (0x" + Long.toHexString(owner) + ")";
        return Async.failed(new CoordinationException(what + " failed: already registered by " + by));
    }

    @Override
    public CompletableFuture<List<ServiceInstance>> instances(String service) {
        String dir = paths.service(service);
        String what = "listing of service '" + service + "'";
        return Async.run(session.executor(), what, (cb, ex) -> curator.getChildren().inBackground(cb, ex)
                        .forPath(dir))
                .thenCompose(e -> {
                    switch (Async.code(e)) {
                        case OK:
                            break;
                        case NONODE:
                            return CompletableFuture.completedFuture(List.<ServiceInstance>of());
                        default:
                            return Async.failed(Errors.of(e, what));
                    }
                    List<CompletableFuture<ServiceInstance>> reads = new ArrayList<>();
                    for (String child : e.getChildren()) {
                        if (child.startsWith(Paths.INSTANCE)) {
                            reads.add(readInstance(Paths.child(dir, child),
                                    child.substring(Paths.INSTANCE.length()), what));
                        }
                    }
                    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(v -> reads
                            .stream()
                            .map(CompletableFuture::join)
                            .filter(Objects::nonNull)
                            .sorted(Comparator.comparing(ServiceInstance::id))
                            .toList());
                });
    }

    private CompletableFuture<ServiceInstance> readInstance(String path, String id, String what) {
        return Async.run(session.executor(), what, (cb, ex) -> curator.getData().inBackground(cb, ex).forPath(path))
                .thenApply(e -> switch (Async.code(e)) {
                    case OK -> Codec.instance(id, e.getData());
                    case NONODE -> null;
                    default -> throw Errors.of(e, what);
                });
    }

    @Override
    public Subscription watch(String service, Consumer<List<ServiceInstance>> listener) {
        SnapshotWatch<List<ServiceInstance>> w = new SnapshotWatch<>(session, paths.service(service),
                Paths.INSTANCE, "watch of service '" + service + "'", () -> instances(service), listener,
                watches::remove);
        watches.add(w);
        w.start();
        return w;
    }

    void close() {
        session.tracker().removeListener(stateListener);
        watches.forEach(SnapshotWatch::close);
    }

    private void stateChanged(SessionState state) {
        if (state == SessionState.LOST) {
            active.clear();
            maybeOrphaned.clear();
        } else if (state == SessionState.RECONNECTED) {
            for (String path : maybeOrphaned) {
                removeOrphan(path);
            }
        }
    }

    /** Deletes a node left by a registration whose answer was lost, unless a registration claims it by now. */
    private void removeOrphan(String path) {
        String what = "clean-up of " + path;
        stat(path, what).thenCompose(s -> {
            if (s == null || s.getEphemeralOwner() != session.tracker().sessionId() || active.containsKey(path)) {
                maybeOrphaned.remove(path);
                return CompletableFuture.completedFuture(null);
            }
            return delete(path, s.getVersion(), what).thenAccept(e -> maybeOrphaned.remove(path));
        }).whenComplete((v, t) -> {
            if (t != null) {
                LOG.debug("{} failed ({}); trying again on the next reconnect", what, t.toString());
            }
        });
    }

    private CompletableFuture<Stat> stat(String path, String what) {
        return Async.run(session.executor(), what, (cb, ex) -> curator.checkExists().inBackground(cb, ex)
                        .forPath(path))
                .thenApply(e -> switch (Async.code(e)) {
                    case OK -> e.getStat();
                    case NONODE -> null;
                    default -> throw Errors.of(e, what);
                });
    }

    private CompletableFuture<CuratorEvent> setData(String path, byte[] data, int version, String what) {
        return Async.run(session.executor(), what, (cb, ex) -> curator.setData().withVersion(version)
                .inBackground(cb, ex).forPath(path, data));
    }

    private CompletableFuture<CuratorEvent> delete(String path, int version, String what) {
        return Async.run(session.executor(), what, (cb, ex) -> curator.delete().withVersion(version)
                .inBackground(cb, ex).forPath(path));
    }

    /** One registration: deletes its node on deregister, if the node is still the one it made. */
    private final class ZkRegistration implements BackendRegistration {
        private final String path;
        private final long czxid;
        private final String what;

        ZkRegistration(String path, long czxid, String what) {
            this.path = path;
            this.czxid = czxid;
            this.what = what;
        }

        @Override
        public CompletableFuture<Void> deregister() {
            active.remove(path, this);
            String w = "deregistration of " + what.substring("registration of ".length());
            return stat(path, w).thenCompose(s -> {
                if (s == null || s.getCzxid() != czxid || s.getEphemeralOwner() != session.tracker().sessionId()) {
                    return CompletableFuture.<Void>completedFuture(null); // gone, or not ours any more
                }
                return delete(path, s.getVersion(), w).thenApply(e -> {
                    if (Async.code(e) != Code.OK && Async.code(e) != Code.NONODE) {
                        throw Errors.of(e, w);
                    }
                    return null;
                });
            });
        }

        @Override
        public String toString() {
            return "ZkRegistration[" + path + ", czxid " + czxid + "]";
        }
    }
}
