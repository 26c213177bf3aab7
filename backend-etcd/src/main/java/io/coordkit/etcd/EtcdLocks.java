package io.coordkit.etcd;

import io.coordkit.spi.BackendLease;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.LockRequest;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Locks, read-write locks and semaphores on keys bound to the session lease; see {@link LockAttempt}. */
final class EtcdLocks implements LockBackend {

    private final EtcdSession session;
    private final Set<LockAttempt> attempts = ConcurrentHashMap.newKeySet();
    private final Set<EtcdLease> leases = ConcurrentHashMap.newKeySet();
    private final MemberKeys keys = new MemberKeys();

    EtcdLocks(EtcdSession session) {
        this.session = session;
    }

    @Override
    public CompletableFuture<Optional<BackendLease>> acquire(LockRequest request, Runnable onLost) {
        LockAttempt attempt = new LockAttempt(session, request, onLost, this);
        attempts.add(attempt);
        return attempt.start();
    }

    /** @return the waiter keys of this session's attempts */
    MemberKeys keys() {
        return keys;
    }

    void ended(LockAttempt attempt) {
        attempts.remove(attempt);
    }

    void held(EtcdLease lease) {
        leases.add(lease);
    }

    void released(EtcdLease lease) {
        leases.remove(lease);
    }

    void close() {
        attempts.forEach(LockAttempt::abandon);
        attempts.clear();
        leases.forEach(EtcdLease::stopWatching);
        leases.clear();
    }
}
