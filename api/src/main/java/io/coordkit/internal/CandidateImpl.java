package io.coordkit.internal;

import io.coordkit.CoordinationException;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener.RevocationReason;
import io.coordkit.election.LeadershipListener;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.Futures;
import io.coordkit.spi.SerialExecutor;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A candidacy as the application sees it. Leadership is announced only while the session is usable: SUSPENDED
 * revokes it (SES-4), RECONNECTED asks the engine again before announcing it (SES-5), a lost session ends the
 * candidacy for good (ELE-7). Each (re)join has a generation so that events of a withdrawn candidacy are ignored.
 * Internal.
 */
final class CandidateImpl implements Candidate, SessionBound {
    private final CoordinatorImpl coordinator;
    private final String election;
    private final String id;
    private final Map<String, String> metadata;
    private final LeadershipListener listener;
    private final SerialExecutor notifications;

    /** Guarded by this. */
    private BackendCandidacy backend;
    private LeaderInfo leading;
    /** The leadership whose {@code elected} call has returned: what {@link #awaitLeadership} waits for. */
    private LeaderInfo announced;
    private boolean ended;
    /** The candidacy ended because the session was lost (ELE-7). */
    private boolean endedBySession;
    /** The session came back before the engine's answer to join: ask it for leadership once that is there. */
    private boolean recheckWhenJoined;
    private long generation;
    /** Guarded by this: the latest leadership check after the session came back; older ones stop retrying. */
    private long recheckRound;

    private static final long RECHECK_BACKOFF_MS = 100;
    private static final long RECHECK_MAX_BACKOFF_MS = 2_000;

    CandidateImpl(CoordinatorImpl coordinator, String election, String id, Map<String, String> metadata,
                  LeadershipListener listener) {
        this.coordinator = coordinator;
        this.election = election;
        this.id = id;
        this.metadata = metadata;
        this.listener = listener;
        this.notifications = coordinator.newSerialExecutor("candidate '" + id + "' of election '" + election + "'");
    }

    /**
     * Records the candidacy on the engine. The candidate is bound to the session before the request, so that every
     * session change after it reaches the candidacy: a SUSPENDED between an early {@code elected} and the engine's
     * answer revokes it (SES-4), a LOST ends it (ELE-7). A candidacy the engine records after it ended is withdrawn
     * there (SPI-8), also when it ended because the session was lost: the engine may have recorded it in the new
     * session, where nothing else would remove it.
     */
    CompletableFuture<Void> join() {
        long gen;
        synchronized (this) {
            if (ended) {
                return CompletableFuture.completedFuture(null); // ended meanwhile (lost session, close): not re-made
            }
            gen = ++generation;
        }
        coordinator.bind(this);
        synchronized (this) {
            if (ended) {
                coordinator.unbind(this); // ended between the check and the bind: not made on the engine
                return CompletableFuture.completedFuture(null);
            }
        }
        ElectionBackend.CandidacyListener events = new ElectionBackend.CandidacyListener() {
            @Override
            public void elected(LeaderInfo leadership) {
                onElected(gen, leadership);
            }

            @Override
            public void removed() {
                onRemoved(gen);
            }
        };
        CompletableFuture<BackendCandidacy> attempt = coordinator.calls()
                .once("join election '" + election + "' as '" + id + "'", coordinator.calls().operationTimeout(),
                        () -> coordinator.backend().elections().join(election, id, metadata, events),
                        late -> coordinator.releaseInBackground(describeWithdrawal(), late::withdraw));
        CompletableFuture<Void> joined = new CompletableFuture<>();
        attempt.whenComplete((candidacy, error) -> {
            if (error != null) {
                if (gen == currentGeneration()) {
                    end();
                }
                joined.completeExceptionally(Futures.unwrap(error));
                return;
            }
            boolean stale;
            boolean lost;
            boolean recheck;
            synchronized (this) {
                stale = ended || gen != generation;
                lost = endedBySession && gen == generation;
                recheck = !stale && recheckWhenJoined;
                recheckWhenJoined = false;
                if (!stale) {
                    backend = candidacy;
                }
            }
            if (stale) {
                coordinator.releaseInBackground(describeWithdrawal(), candidacy::withdraw);
                if (lost) {
                    joined.complete(null); // ended by the lost session, and told so (ELE-7)
                } else {
                    joined.completeExceptionally(new CoordinationException("the candidacy of '" + id
                            + "' in election '" + election + "' ended before the engine recorded it"));
                }
            } else {
                if (recheck) {
                    recheck();
                }
                joined.complete(null);
            }
        });
        joined.whenComplete((v, e) -> {
            if (joined.isCancelled()) {
                close();
                attempt.cancel(true);
            }
        });
        return joined;
    }

    private synchronized long currentGeneration() {
        return generation;
    }

    private synchronized void onElected(long gen, LeaderInfo leadership) {
        if (ended || gen != generation || !coordinator.sessionState().isUsable()) {
            return; // a suspended session re-checks on RECONNECTED
        }
        if (leading != null && leading.term() == leadership.term()) {
            return;
        }
        leading = leadership;
        notifications.execute(() -> {
            try {
                listener.elected(leadership);
            } finally {
                announced(leadership);
            }
        });
        notifyAll();
    }

    private synchronized void announced(LeaderInfo leadership) {
        announced = leadership;
        notifyAll();
    }

    /** @return true if it leads and the listener has been told so (its {@code elected} call returned) */
    private synchronized boolean leadsAndAnnounced() {
        return isLeader() && announced == leading;
    }

    private void onRemoved(long gen) {
        synchronized (this) {
            if (ended || gen != generation) {
                return;
            }
            ended = true;
            leading = null;
            backend = null;
            notifications.execute(() -> listener.revoked(RevocationReason.REMOVED));
            notifyAll();
        }
        coordinator.unbind(this);
    }

    @Override
    public void sessionChanged(SessionState state) {
        switch (state) {
            case SUSPENDED -> revoke(RevocationReason.SESSION_SUSPENDED, false);
            // CONNECTED reaches only a candidacy that joined while the session was lost (every other one ended
            // on the LOST before it): ask the engine whether it leads, as after RECONNECTED
            case RECONNECTED, CONNECTED -> recheck();
            case LOST -> revoke(RevocationReason.SESSION_LOST, true);
            default -> {
            }
        }
    }

    private void revoke(RevocationReason reason, boolean end) {
        synchronized (this) {
            if (ended) {
                return;
            }
            boolean wasLeading = leading != null;
            leading = null;
            if (end) {
                ended = true;
                endedBySession = true;
                backend = null;
            }
            // A lost session ends every candidacy, leading or not (ELE-7); a suspension concerns only the leader.
            if (wasLeading || end) {
                notifications.execute(() -> listener.revoked(reason));
            }
            notifyAll();
        }
        if (end) {
            coordinator.unbind(this);
        }
    }

    private void recheck() {
        long round;
        synchronized (this) {
            round = ++recheckRound;
        }
        recheck(round, 0);
    }

    /**
     * Asks the engine whether the candidacy leads, until it answers: a backend tells {@code elected} once per term,
     * so a leader whose check after RECONNECTED failed would never be told again, and its election would stay
     * without a leader while the engine serves (ELE-5). Retried with backoff while this round is the latest, the
     * candidacy lives in the same generation, does not lead yet and the session is usable; a later SUSPENDED and
     * RECONNECTED start a new round.
     */
    private void recheck(long round, int attempt) {
        BackendCandidacy b;
        long gen;
        synchronized (this) {
            if (ended || round != recheckRound) {
                return;
            }
            if (backend == null) {
                recheckWhenJoined = true;
                return;
            }
            if (leading != null || !coordinator.sessionState().isUsable()) {
                return;
            }
            b = backend;
            gen = generation;
        }
        try {
            coordinator.calls().sessionRead("check leadership in election '" + election + "'", b::currentLeadership)
                    .whenComplete((now, error) -> {
                        if (error == null) {
                            now.ifPresent(leadership -> onElected(gen, leadership));
                            return;
                        }
                        long delayMs = Math.min(RECHECK_MAX_BACKOFF_MS, RECHECK_BACKOFF_MS << Math.min(attempt, 5));
                        try {
                            coordinator.scheduler().schedule(() -> recheck(round, attempt + 1), delayMs,
                                    TimeUnit.MILLISECONDS);
                        } catch (RejectedExecutionException closing) {
                            // the coordinator has closed
                        }
                    });
        } catch (IllegalStateException closing) {
            // the coordinator is closing (this runs within a session change, which must go on for the others)
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String electionName() {
        return election;
    }

    @Override
    public synchronized boolean isLeader() {
        return leading != null && coordinator.sessionState().isUsable() && coordinator.sessionTrusted();
    }

    @Override
    public synchronized Optional<LeaderInfo> leadership() {
        return isLeader() ? Optional.of(leading) : Optional.empty();
    }

    @Override
    public boolean awaitLeadership(Duration timeout) throws InterruptedException {
        Validation.waitTime("timeout", timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!leadsAndAnnounced() && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                // Wake up now and then: usability of the session can change without a notification here.
                wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            }
            return leadsAndAnnounced();
        }
    }

    @Override
    public CompletableFuture<Boolean> awaitLeadershipAsync(Duration timeout) {
        Validation.waitTime("timeout", timeout);
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        // The blocking wait polls at most every 100 ms; running it on the coordinator's notification pool keeps
        // the caller's thread free and needs no second copy of the waiting rule.
        coordinator.newSerialExecutor("awaitLeadership of " + this).execute(() -> {
            try {
                result.complete(awaitLeadership(timeout));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.completeExceptionally(new CoordinationException("interrupted while waiting for leadership",
                        e));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public void resign() {
        Calls.await(resignAsync());
    }

    @Override
    public CompletableFuture<Void> resignAsync() {
        BackendCandidacy old;
        synchronized (this) {
            if (ended || leading == null) {
                return CompletableFuture.completedFuture(null);
            }
            leading = null;
            old = backend;
            backend = null;
            generation++;
            notifications.execute(() -> listener.revoked(RevocationReason.RESIGNED));
        }
        // Join again only once the old candidacy is gone: while it is on the engine it still leads there, and its
        // events are ignored here, so nobody would lead (ELE-5, ELE-6).
        CompletableFuture<Void> withdrawn;
        try {
            withdrawn = old == null ? CompletableFuture.completedFuture(null)
                    : coordinator.calls().release(describeWithdrawal(), old::withdraw);
        } catch (RuntimeException e) {
            withdrawn = CompletableFuture.failedFuture(e);
        }
        return withdrawn.handle((ok, failure) -> failure).thenCompose(failure -> {
            if (failure != null) {
                end();
                Throwable cause = Futures.unwrap(failure);
                if (cause instanceof CoordinationException e) {
                    coordinator.releaseInBackground(describeWithdrawal(), old::withdraw);
                    return CompletableFuture.failedFuture(new CoordinationException("'" + id + "' resigned from "
                            + "election '" + election + "' but its candidacy could not be withdrawn ("
                            + e.getMessage() + "); the candidacy ended, its withdrawal is retried in the background",
                            e));
                }
                return CompletableFuture.failedFuture(cause); // closed meanwhile (SES-7)
            }
            // join() does nothing if the candidacy ended while the withdrawal ran (lost session, close): a
            // candidacy that ended is never re-made (ELE-7)
            return join().handle((joined, joinFailure) -> {
                Throwable cause = joinFailure == null ? null : Futures.unwrap(joinFailure);
                if (cause instanceof CoordinationException e) {
                    end();
                    throw new CoordinationException("'" + id + "' resigned from election '" + election
                            + "' but could not join again: " + e.getMessage(), e);
                }
                if (cause instanceof RuntimeException e) {
                    throw e;
                }
                if (cause != null) {
                    throw new CoordinationException(String.valueOf(cause), cause);
                }
                return null;
            });
        });
    }

    @Override
    public void close() {
        BackendCandidacy b = end();
        if (b != null) {
            coordinator.releaseOrDefer(describeWithdrawal(), b::withdraw);
        }
    }

    @Override
    public CompletableFuture<Void> closeWithCoordinator() {
        BackendCandidacy b = end();
        return b == null ? CompletableFuture.completedFuture(null)
                : coordinator.releaseOnClose(describeWithdrawal(), b::withdraw);
    }

    /** @return the backend candidacy to withdraw, or null if there is none or the candidacy already ended */
    private BackendCandidacy end() {
        BackendCandidacy b;
        synchronized (this) {
            if (ended) {
                return null;
            }
            ended = true;
            if (leading != null) {
                notifications.execute(() -> listener.revoked(RevocationReason.CLOSED));
            }
            leading = null;
            b = backend;
            backend = null;
            notifyAll();
        }
        coordinator.unbind(this);
        return b;
    }

    private String describeWithdrawal() {
        return "withdraw '" + id + "' from election '" + election + "'";
    }

    @Override
    public String toString() {
        return "Candidate[" + id + " in " + election + (isLeader() ? ", leading" : "") + "]";
    }
}
