package io.coordkit.internal;

import io.coordkit.session.SessionState;

import java.util.concurrent.CompletableFuture;

/** Something whose life is bound to the session: a lease, a registration, a candidacy (see {@link CoreSession}). */
interface SessionBound {
    /** Told of every session state change, in order, on the session's serial executor. */
    void sessionChanged(SessionState state);

    /**
     * The coordinator is closing: end at once and start the release on the engine (best effort).
     *
     * @return completes when the release is done or has failed
     */
    CompletableFuture<Void> closeWithCoordinator();
}
