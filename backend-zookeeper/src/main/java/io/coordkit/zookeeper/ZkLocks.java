package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks, read-write locks and semaphores: one recipe of ephemeral-sequential nodes (see {@link LockAttempt}),
 * written on Curator's framework rather than taken from curator-recipes, because InterProcessMutex and its
 * relatives are owned by a thread and reentrant, while coordkit leases belong to the session and are not.
 */
final class ZkLocks implements LockBackend {

    private final ZkSession session;
    private final Set<LockAttempt> attempts = ConcurrentHashMap.newKeySet();
    private final SessionTracker.Listener stateListener = this::stateChanged;

    ZkLocks(ZkSession session) {
        this.session = session;
        session.tracker().addListener(stateListener);
    }

    @Override
    public CompletableFuture<Optional<BackendLease>> acquire(LockRequest request, Runnable onLost) {
        LockAttempt attempt = new LockAttempt(session, request, onLost, attempts::remove);
        attempts.add(attempt);
        if (request.kind() == LockKind.SEMAPHORE) {
            ensurePermits(request).whenComplete((v, t) -> {
                if (t != null) {
                    attempt.fail(t);
                } else {
                    attempt.start();
                }
            });
        } else {
            attempt.start();
        }
        return attempt.result();
    }

    /**
     * A semaphore's directory holds its permits as decimal text. The first user writes it; every later user
     * must ask for the same number. (The directory is a container node: once the last permit node is gone
     * ZooKeeper removes it, and the next user may choose the permits again.)
     */
    private CompletableFuture<Void> ensurePermits(LockRequest request) {
        String dir = session.paths().lockDir(request.kind(), request.name());
        String what = "acquire of semaphore '" + request.name() + "'";
        byte[] permits = Integer.toString(request.permits()).getBytes(StandardCharsets.UTF_8);
        CuratorFramework curator = session.curator();
        return Async.run(session.executor(), what, (cb, ex) -> curator.create().creatingParentContainersIfNeeded()
                        .withMode(CreateMode.CONTAINER).inBackground(cb, ex).forPath(dir, permits))
                .thenCompose(e -> switch (Async.code(e)) {
                    case OK -> CompletableFuture.completedFuture(null);
                    case NODEEXISTS -> checkPermits(request, dir, permits, what, 0);
                    default -> Async.failed(Errors.of(e, what));
                });
    }

    private CompletableFuture<Void> checkPermits(LockRequest request, String dir, byte[] permits, String what,
                                                 int round) {
        CuratorFramework curator = session.curator();
        return Async.run(session.executor(), what, (cb, ex) -> curator.getData().inBackground(cb, ex).forPath(dir))
                .thenCompose(e -> {
                    switch (Async.code(e)) {
                        case OK:
                            break;
                        case NONODE:
                            // removed as an empty container meanwhile: the create below makes it again
                            return round < 3 ? ensurePermits(request) : Async.failed(new CoordinationException(
                                    what + " failed: its directory keeps disappearing"));
                        default:
                            return Async.failed(Errors.of(e, what));
                    }
                    byte[] data = e.getData();
                    if (data == null || data.length == 0) {
                        // made as a parent by someone else's create: claim it with our permits
                        return Async.run(session.executor(), what, (cb, ex) -> curator.setData()
                                        .withVersion(e.getStat().getVersion()).inBackground(cb, ex)
                                        .forPath(dir, permits))
                                .thenCompose(s -> switch (Async.code(s)) {
                                    case OK -> CompletableFuture.<Void>completedFuture(null);
                                    case BADVERSION, NONODE -> round < 3
                                            ? checkPermits(request, dir, permits, what, round + 1)
                                            : Async.failed(new CoordinationException(what
                                            + " failed: its permits keep changing"));
                                    default -> Async.failed(Errors.of(s, what));
                                });
                    }
                    String found = new String(data, StandardCharsets.UTF_8);
                    if (!found.equals(Integer.toString(request.permits()))) {
                        return Async.failed(new CoordinationException("semaphore '" + request.name()
                                + "' is in use with " + found + " permits; cannot use it with "
                                + request.permits()));
                    }
                    return CompletableFuture.completedFuture(null);
                });
    }

    private void stateChanged(SessionState state) {
        for (LockAttempt a : attempts) {
            a.sessionChanged(state);
        }
    }

    void close() {
        session.tracker().removeListener(stateListener);
        for (LockAttempt a : attempts) {
            a.sessionChanged(SessionState.CLOSED);
        }
    }
}
