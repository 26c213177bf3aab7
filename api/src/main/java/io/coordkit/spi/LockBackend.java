package io.coordkit.spi;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The lock primitives of a backend (SPEC.md LCK-*). */
public interface LockBackend {

    /**
     * Asks for a lease and waits up to {@link LockRequest#maxWait()} for it.
     *
     * <p>The future completes with the lease, or with empty when the wait ran out; in that case, and when the
     * future is cancelled, the backend removes every trace of the attempt (waiters must not linger). The lease
     * is bound to the session. If the backend learns that a lease it handed out is gone while the session lives
     * (removed on the engine, engine lease expired), it calls {@code onLost}; losses caused by session state
     * changes are handled by the core.
     *
     * @param request what to acquire
     * @param onLost  to call, at most once, when the lease is lost behind the holder's back
     * @return the lease or empty
     */
    CompletableFuture<Optional<BackendLease>> acquire(LockRequest request, Runnable onLost);
}
