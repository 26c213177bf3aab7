package io.coordkit.spi;

import io.coordkit.Subscription;
import io.coordkit.election.LeaderInfo;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Leader elections of a backend (SPEC.md ELE-*). */
public interface ElectionBackend {

    /**
     * Records a candidacy, bound to the session. The future completes once the candidacy is on the engine.
     *
     * <p>The listener may be called at any time after this call, also before the future completes: the core
     * follows the session for the candidacy from before the call, so leadership reported early is still revoked
     * when the session is suspended (SES-4). If the future completes after the core gave up, the core withdraws
     * the candidacy it returns; if the core cancels the future, the backend can no longer hand the candidacy
     * over, so the backend withdraws whatever the attempt recorded on the engine (SPI-8).
     *
     * @param election    the election
     * @param candidateId the candidate's id
     * @param metadata    the candidate's metadata
     * @param listener    where the backend reports leadership
     * @return the candidacy
     */
    CompletableFuture<BackendCandidacy> join(String election, String candidateId, Map<String, String> metadata,
                                             CandidacyListener listener);

    /**
     * @param election the election
     * @return the current leader as the engine sees it now
     */
    CompletableFuture<Optional<LeaderInfo>> leader(String election);

    /**
     * Observes the leader: the observer gets the current leader at once and after every change. Lives across
     * disconnects and new sessions until closed. Calls must not overlap.
     *
     * @param election the election
     * @param observer where leaders go
     * @return the subscription
     */
    Subscription observe(String election, Consumer<Optional<LeaderInfo>> observer);

    /** Where the backend reports a candidacy's leadership. Calls must not overlap. */
    interface CandidacyListener {
        /**
         * The candidacy leads, by the engine's own state.
         *
         * @param leadership the leadership with its term
         */
        void elected(LeaderInfo leadership);

        /** The candidacy vanished from the engine while the session lived (for example deleted by hand). */
        void removed();
    }
}
