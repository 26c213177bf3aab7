package io.coordkit.spi;

import io.coordkit.election.LeaderInfo;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A candidacy as the backend holds it. */
public interface BackendCandidacy {

    /**
     * Asks the engine whether this candidacy leads now. The core calls it after the session came back
     * ({@code RECONNECTED}) before it announces leadership again.
     *
     * @return the leadership, or empty if this candidacy does not lead (or no longer exists)
     */
    CompletableFuture<Optional<LeaderInfo>> currentLeadership();

    /**
     * Removes the candidacy from the engine. The core calls it again after a failed attempt (also one that timed
     * out and may have succeeded), so it must be idempotent.
     *
     * @return completes when removed; a candidacy already gone, also because the session that held it is gone,
     *         counts as removed
     */
    CompletableFuture<Void> withdraw();
}
