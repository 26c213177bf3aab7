package io.coordkit.redis;

import io.coordkit.CoordinationTimeoutException;

import java.util.concurrent.CompletableFuture;

/**
 * The {@code waitReplicas=N} URI option: after each write (config write, lock grant, registration, candidacy) the
 * backend sends {@code WAIT N timeout} on the same connection, so the call returns only once N replicas have
 * acknowledged every write of the connection so far. It narrows, but does not close, the window in which a
 * Sentinel failover loses an acknowledged write (Redis's own docs: WAIT does not make Redis strongly consistent).
 * When fewer replicas acknowledge within the operation timeout, the call fails with
 * {@link CoordinationTimeoutException}: the write was made on the master and may or may not survive a failover.
 */
final class Replication {

    private final Link link;
    private final int replicas;

    Replication(Link link, int replicas) {
        this.link = link;
        this.replicas = replicas;
    }

    int replicas() {
        return replicas;
    }

    CompletableFuture<Void> await(String what) {
        if (replicas <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        long timeout = Math.max(1, link.operationTimeout().toMillis() - 100);
        return link.<Long>call(what + " (WAIT " + replicas + ")", c -> c.waitForReplication(replicas, timeout))
                .thenApply(n -> {
                    if (n < replicas) {
                        throw new CoordinationTimeoutException(what + " on " + link.uri() + ": done on the master "
                                + "but acknowledged by " + n + " of " + replicas + " replicas within " + timeout
                                + " ms (waitReplicas); it may be lost if the master fails");
                    }
                    return null;
                });
    }
}
