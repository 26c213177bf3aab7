package io.coordkit.internal;

import io.coordkit.CoordinationException;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.election.LeadershipListener.RevocationReason;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.SerialExecutor;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A candidacy as the application sees it. Leadership is announced only while the session is usable: SUSPENDED
 * revokes it (SES-4), RECONNECTED asks the engine again before announcing it (SES-5), a lost session ends the
 * candidacy for good (ELE-7). Each (re)join has a generation so that events of a withdrawn candidacy are ignored.
 * Internal.
 */
final class CandidateImpl implements Candidate, CoordinatorImpl.SessionBound {
    private final CoordinatorImpl coordinator;
    private final String election;
    private final String id;
    private final Map<String, String> metadata;
    private final LeadershipListener listener;
    private final SerialExecutor notifications;

    /** Guarded by this. */
    private BackendCandidacy backend;
    private LeaderInfo leading;
    private boolean ended;
    private long generation;

    CandidateImpl(CoordinatorImpl coordinator, String election, String id, Map<String, String> metadata,
                  LeadershipListener listener) {
        this.coordinator = coordinator;
        this.election = election;
        this.id = id;
        this.metadata = metadata;
        this.listener = listener;
        this.notifications = coordinator.newSerialExecutor("candidate '" + id + "' of election '" + election + "'");
    }

    /** Records the candidacy on the engine. */
    CompletableFuture<Void> join() {
        long gen;
        synchronized (this) {
            gen = ++generation;
        }
        long epoch = coordinator.epoch();
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
                        late -> late.withdraw().exceptionally(e -> null));
        CompletableFuture<Void> joined = new CompletableFuture<>();
        attempt.whenComplete((candidacy, error) -> {
            if (error != null) {
                joined.completeExceptionally(Calls.unwrap(error));
                return;
            }
            boolean stale;
            synchronized (this) {
                stale = ended || gen != generation;
                if (!stale) {
                    backend = candidacy;
                }
            }
            if (stale) {
                candidacy.withdraw().exceptionally(e -> null);
                joined.completeExceptionally(new CoordinationException("the candidacy of '" + id + "' in election '"
                        + election + "' ended before the engine recorded it"));
            } else {
                coordinator.bind(this);
                if (coordinator.epoch() != epoch) {
                    revoke(RevocationReason.SESSION_LOST, true); // recorded in a session lost meanwhile (ELE-7)
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

    private synchronized void onElected(long gen, LeaderInfo leadership) {
        if (ended || gen != generation || !coordinator.sessionState().isUsable()) {
            return; // a suspended session re-checks on RECONNECTED
        }
        if (leading != null && leading.term() == leadership.term()) {
            return;
        }
        leading = leadership;
        notifications.execute(() -> listener.elected(leadership));
        notifyAll();
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
            case RECONNECTED -> recheck();
            case LOST, CONNECTED -> revoke(RevocationReason.SESSION_LOST, true);
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
        BackendCandidacy b;
        long gen;
        synchronized (this) {
            if (ended || backend == null) {
                return;
            }
            b = backend;
            gen = generation;
        }
        coordinator.calls().read("check leadership in election '" + election + "'", b::currentLeadership)
                .thenAccept(now -> now.ifPresent(leadership -> onElected(gen, leadership)));
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
        return leading != null && coordinator.sessionState().isUsable();
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
            while (!isLeader() && !ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                // Wake up now and then: usability of the session can change without a notification here.
                wait(Math.max(1, Math.min(left / 1_000_000, 100)));
            }
            return isLeader();
        }
    }

    @Override
    public void resign() {
        BackendCandidacy old;
        synchronized (this) {
            if (ended || leading == null) {
                return;
            }
            leading = null;
            old = backend;
            backend = null;
            generation++;
            notifications.execute(() -> listener.revoked(RevocationReason.RESIGNED));
        }
        if (old != null) {
            coordinator.releaseOrDefer(describeWithdrawal(), old::withdraw);
        }
        try {
            Calls.await(join());
        } catch (CoordinationException e) {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
            coordinator.unbind(this);
            throw new CoordinationException("'" + id + "' resigned from election '" + election
                    + "' but could not join again: " + e.getMessage(), e);
        }
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
