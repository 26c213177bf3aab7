package io.coordkit.spi;

import java.util.concurrent.CompletableFuture;

/** A registration as the backend holds it. */
public interface BackendRegistration {
    /**
     * Removes the instance on the engine. Called at most once by the core. After it completes, the backend never
     * recreates this entry.
     *
     * @return completes when removed; an entry already gone counts as removed
     */
    CompletableFuture<Void> deregister();
}
