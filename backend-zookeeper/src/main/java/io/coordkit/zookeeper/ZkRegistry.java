package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.Subscription;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendRegistration;
import io.coordkit.spi.RegistryBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The service registry: one ephemeral node {@code registry/<service>/instance~<id>} per instance, holding the
 * address and metadata ({@link Codec}). Own recipe rather than curator-x-discovery (why: the module's
 * README, "Recipes: Curator's and our own").
 *
 * <p>Nodes are made by {@link MemberNodes}: an existing node of the same id is judged by its ephemeral owner: a
 * node of one of this coordinator's former (lost) sessions is replaced when the core registers again
 * ({@code renewal}); a node of the current session left by an attempt whose answer was lost in a connection
 * drop is taken over (and removed on the next reconnect if nobody registers it again); anything else belongs
 * to a live registration and is refused (REG-3).
 */
final class ZkRegistry implements RegistryBackend {

    private static final Logger LOG = LoggerFactory.getLogger(ZkRegistry.class);

    private final ZkSession session;
    private final Paths paths;
    private final MemberNodes members;
    private final Set<SnapshotWatch<List<ServiceInstance>>> watches = ConcurrentHashMap.newKeySet();
    private final SessionTracker.Listener stateListener = this::stateChanged;

    ZkRegistry(ZkSession session) {
        this.session = session;
        this.paths = session.paths();
        this.members = new MemberNodes(session);
        session.tracker().addListener(stateListener);
    }

    @Override
    public CompletableFuture<BackendRegistration> register(String service, ServiceInstance instance,
                                                           boolean renewal) {
        String path = paths.instance(service, instance.id());
        String what = "registration of instance '" + instance.id() + "' of service '" + service + "'";
        CompletableFuture<BackendRegistration> result = new CompletableFuture<>();
        byte[] data;
        try {
            data = Codec.instance(instance);
        } catch (CoordinationException e) {
            return Async.failed(e);
        }
        members.create(path, data, renewal, what, owner -> what + " failed: already registered by "
                        + (owner == session.tracker().sessionId() ? "this coordinator"
                        : "a live session (0x" + Long.toHexString(owner) + ")"))
                .whenComplete((claim, t) -> {
                    if (t != null) {
                        result.completeExceptionally(t);
                        return;
                    }
                    ZkRegistration reg = new ZkRegistration(claim, path, what);
                    if (!result.complete(reg)) {
                        reg.discard(); // the caller gave up meanwhile (SPI-8)
                    }
                });
        return result;
    }

    @Override
    public CompletableFuture<List<ServiceInstance>> instances(String service) {
        String dir = paths.service(service);
        String what = "listing of service '" + service + "'";
        return session.ops().children(dir, what).thenCompose(e -> {
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
        return session.ops().getData(path, what).thenApply(e -> switch (Async.code(e)) {
            case OK -> decode(path, id, e.getData());
            case NONODE -> null;
            default -> throw Errors.of(e, what);
        });
    }

    /** @return the instance, or null (logged) if the node's data is not in coordkit's format */
    private static ServiceInstance decode(String path, String id, byte[] data) {
        try {
            return Codec.instance(id, data);
        } catch (CoordinationException e) {
            LOG.warn("skipping {}: {}", path, e.getMessage());
            return null;
        }
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
            members.lost();
        } else if (state == SessionState.RECONNECTED) {
            members.reconnected();
        }
    }

    /** One registration: deletes its node on deregister, if the node is still the one it made. */
    private final class ZkRegistration implements BackendRegistration {
        private final MemberNodes.Claim claim;
        private final String path;
        private final long czxid;
        private final String what;

        ZkRegistration(MemberNodes.Claim claim, String path, String what) {
            this.claim = claim;
            this.path = path;
            this.czxid = claim.stat().getCzxid();
            this.what = what;
        }

        @Override
        public CompletableFuture<Void> deregister() {
            claim.release();
            return members.deleteIfOurs(path, czxid, deregistration());
        }

        /**
         * Deletes the node of a registration its caller gave up on (SPI-8). Nobody calls {@link #deregister()}
         * for it, so a failed delete is retried by {@link MemberNodes} at the next reconnect.
         */
        void discard() {
            members.discard(claim, deregistration());
        }

        private String deregistration() {
            return "deregistration of " + what.substring("registration of ".length());
        }

        @Override
        public String toString() {
            return "ZkRegistration[" + path + ", czxid " + czxid + "]";
        }
    }
}
