package io.coordkit.spi;

import java.util.concurrent.CompletableFuture;

/** A registration as the backend holds it. */
public interface BackendRegistration {
    /**
     * Removes the instance on the engine. The core calls it again after a failed attempt (also one that timed out
     * and may have succeeded), so it must be idempotent. After it completes, the backend never recreates this
     * entry.
     *
     * @return completes when removed; an entry already gone, also because the session that held it is gone,
     *         counts as removed
     */
    CompletableFuture<Void> deregister();
}
