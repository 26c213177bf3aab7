package io.coordkit.spi;

import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;

/**
 * The optional part of a backend behind {@link io.coordkit.EngineAdmin}: names in use on the engine, and removing a
 * namespace. A backend that can answer returns it from {@link BackendSession#admin()}; the core applies time limits
 * and retries (reads only), as for every call.
 */
public interface AdminBackend {

    /** @return the services of the session's namespace with at least one live instance */
    CompletableFuture<SortedSet<String>> services();

    /** @return the locks, read-write locks and semaphores of the session's namespace held or waited for */
    CompletableFuture<SortedSet<String>> locks();

    /** @return the elections of the session's namespace with at least one candidate */
    CompletableFuture<SortedSet<String>> elections();

    /** @return every namespace on the engine that holds something, nested ones included */
    CompletableFuture<SortedSet<String>> namespaces();

    /**
     * Removes everything of the session's namespace and of the namespaces nested in it.
     *
     * @return completes when it is all gone
     */
    CompletableFuture<Void> deleteNamespace();
}
