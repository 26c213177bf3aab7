package io.coordkit.election;

import io.coordkit.Subscription;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A leader election (SPEC.md, rules ELE-*): candidates join with an id and metadata, at most one of them leads
 * at any time, and each leadership has a term that is strictly greater than every term before it.
 */
public interface Election {

    /** @return the election's name */
    String name();

    /**
     * Joins as a candidate. Returns once the candidacy is recorded on the engine; leadership may come at once or
     * later and is announced to the listener.
     *
     * @param candidateId the candidate's id, a name segment (NAM-1), unique among the candidates
     * @param metadata    what observers see of the leader (for example its address); at most 512 KiB in all
     * @param listener    told when this candidate is elected and when it loses leadership
     * @return the candidacy; close it to leave the election
     */
    Candidate join(String candidateId, Map<String, String> metadata, LeadershipListener listener);

    /**
     * Asynchronous {@link #join(String, Map, LeadershipListener)}.
     *
     * @param candidateId the candidate's id
     * @param metadata    the candidate's metadata
     * @param listener    the listener
     * @return a future of the candidacy
     */
    CompletableFuture<Candidate> joinAsync(String candidateId, Map<String, String> metadata,
                                           LeadershipListener listener);

    /** @return the current leader as the engine sees it now, or empty if there is none */
    Optional<LeaderInfo> leader();

    /** @return the asynchronous form of {@link #leader()} */
    CompletableFuture<Optional<LeaderInfo>> leaderAsync();

    /**
     * Observes who leads. The observer is called at once with the current leader (or empty) and then on every
     * change, in order, on a coordkit thread.
     *
     * @param observer the observer
     * @return a subscription that stops the observation
     */
    Subscription observe(Consumer<Optional<LeaderInfo>> observer);
}
