package io.coordkit.zookeeper;

import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.LockRequest;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks, read-write locks and semaphores: one recipe of ephemeral-sequential nodes (see {@link LockAttempt}),
 * written on Curator's framework rather than taken from curator-recipes (why: the module's README, "Recipes: Curator's and our own").
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
        attempt.start();
        return attempt.result();
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
