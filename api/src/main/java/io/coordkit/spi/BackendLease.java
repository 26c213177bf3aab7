package io.coordkit.spi;

import java.util.concurrent.CompletableFuture;

/** A lease as the backend holds it. */
public interface BackendLease {

    /** @return the fencing token: strictly greater than every token issued before for this lock (LCK-4) */
    long fencingToken();

    /**
     * Releases the lease on the engine. Called at most once by the core.
     *
     * @return completes when released; a lease already gone counts as released
     */
    CompletableFuture<Void> release();
}
