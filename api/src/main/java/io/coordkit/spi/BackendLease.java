package io.coordkit.spi;

import java.util.concurrent.CompletableFuture;

/** A lease as the backend holds it. */
public interface BackendLease {

    /**
     * @return the fencing token, as SPEC.md LCK-4 states it: strictly greater than the token of every lease of this
     *         name whose acquisition completed before this one's began; among leases that exclude each other, in
     *         the order they were held; never equal to another lease's token of this name
     */
    long fencingToken();

    /**
     * Releases the lease on the engine. The core calls it again after a failed attempt (also one that timed out
     * and may have succeeded), so it must be idempotent.
     *
     * @return completes when released; a lease already gone, also because the session that held it is gone,
     *         counts as released
     */
    CompletableFuture<Void> release();
}
