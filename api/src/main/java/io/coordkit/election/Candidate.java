package io.coordkit.election;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** One candidacy in an election. Closing it leaves the election (and gives up leadership if held). */
public interface Candidate extends AutoCloseable {

    /** @return the candidate's id */
    String id();

    /** @return the election's name */
    String electionName();

    /**
     * @return true while this candidate leads, its session is usable and the engine confirmed the session less than
     *         its TTL ago (SES-8: answered from the clock at the call, so a process that resumes after a freeze
     *         longer than the TTL reads false at once)
     */
    boolean isLeader();

    /** @return this candidate's leadership while it leads, otherwise empty */
    Optional<LeaderInfo> leadership();

    /**
     * Waits until this candidate leads and its listener has been told so: when this returns true, the listener's
     * {@link LeadershipListener#elected} call for the current leadership has returned, so work started there is
     * under way. Keep {@code elected} short: this waits for it, within the timeout.
     *
     * @param timeout how long to wait
     * @return true if it leads, false if the time ran out (or the candidacy ended)
     * @throws InterruptedException if the thread is interrupted
     */
    boolean awaitLeadership(Duration timeout) throws InterruptedException;

    /**
     * Gives up leadership and joins again at the end of the line, so that another candidate takes over
     * (ELE-6). A lone candidate is elected again with a new, greater term. A candidate that does not lead
     * keeps its place. The candidacy joins again only once the old one is withdrawn on the engine.
     *
     * @throws io.coordkit.CoordinationException if the old candidacy could not be withdrawn or the new one
     *         could not be recorded; the candidacy has then ended (the listener was told {@code RESIGNED}), and
     *         a failed withdrawal is retried in the background until the session ends
     * @throws IllegalStateException if the coordinator is closed
     */
    void resign();

    /**
     * Leaves the election. Idempotent; never throws; a withdrawal that fails is retried in the background like a
     * lease's release ({@link io.coordkit.lock.LockLease#close()}).
     */
    @Override
    void close();

    /**
     * The twin of {@link #awaitLeadership(Duration)}: completes with true once this candidate leads and its
     * listener's {@code elected} call returned, with false when the time runs out or the candidacy ends.
     *
     * @param timeout how long to wait, zero to one hour
     * @return whether it leads
     */
    CompletableFuture<Boolean> awaitLeadershipAsync(Duration timeout);

    /**
     * The twin of {@link #resign()}.
     *
     * @return a future that completes once the old candidacy is withdrawn and the candidate has joined again
     */
    CompletableFuture<Void> resignAsync();
}
