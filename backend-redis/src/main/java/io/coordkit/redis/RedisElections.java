package io.coordkit.redis;

import io.coordkit.Subscription;
import io.coordkit.election.LeaderInfo;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.ElectionBackend;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Elections on Redis: candidates in a sorted set in joining order, each with its session id and a random join
 * token; the leader is the first candidate whose session lives. The leader record ({@code id|token|term}) is
 * replaced, with the term taken from the election's counter, by whichever script first finds a different first
 * live candidate (a join, a withdrawal, or a read that finds the leader's session gone), so every leadership gets a
 * greater term than all before it (ELE-3) while Redis keeps its data. A candidacy re-reads the election when the
 * election's channel publishes and on the re-check timer; it is told {@code elected} when it is the leader and
 * {@code removed} when its entry vanished while its session lived.
 */
final class RedisElections implements ElectionBackend {

    private final Link link;
    private final Keys keys;
    private final SessionKeeper session;
    private final Notifier notifier;
    private final Executor executor;
    private final Replication replication;

    RedisElections(Link link, Keys keys, SessionKeeper session, Notifier notifier, Executor executor,
                   Replication replication) {
        this.link = link;
        this.keys = keys;
        this.session = session;
        this.notifier = notifier;
        this.executor = executor;
        this.replication = replication;
    }

    private String[] electionKeys(String election) {
        String e = keys.election(election);
        return new String[] {e + ":q", e + ":o", e + ":m", e + ":l", e + ":n"};
    }

    private String channel(String election) {
        return keys.election(election) + ":c";
    }

    /** What a LEADER/JOIN script answered. */
    private static final class Answer {
        final boolean present;
        final String leaderId;
        final String leaderToken;
        final LeaderInfo info;

        @SuppressWarnings("unchecked")
        Answer(List<Object> r) {
            present = (Long) r.get(0) == 1;
            if (r.size() >= 5) {
                leaderId = Link.text(r.get(1));
                leaderToken = Link.text(r.get(2));
                byte[] meta = RedisConfig.bytes(r.get(4));
                Map<String, String> m = meta.length == 0 ? Map.of()
                        : (Map<String, String>) Codec.decode(meta, false)[1];
                info = new LeaderInfo(leaderId, m, (Long) r.get(3));
            } else {
                leaderId = null;
                leaderToken = null;
                info = null;
            }
        }
    }

    private CompletableFuture<Answer> read(String election, String id, String token) {
        return link.evalAnyTime("read the leader of election '" + election + "'", Scripts.LEADER,
                electionKeys(election), channel(election), id, token).thenApply(Answer::new);
    }

    @Override
    public CompletableFuture<BackendCandidacy> join(String election, String candidateId,
                                                    Map<String, String> metadata, CandidacyListener listener) {
        String sid;
        try {
            sid = session.sid();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Candidacy c = new Candidacy(election, candidateId, UUID.randomUUID().toString(), sid, listener);
        String what = "join election '" + election + "' as '" + candidateId + "'";
        CompletableFuture<BackendCandidacy> f = link.eval(what, Scripts.JOIN, electionKeys(election), candidateId,
                        sid, c.token, Codec.encode(null, metadata), channel(election))
                .thenCompose(r -> replication.await(what).thenApply(x -> r))
                .thenApply(r -> {
                    c.start();
                    return (BackendCandidacy) c;
                });
        f.whenComplete((r, e) -> {
            if (f.isCancelled()) {
                c.withdraw();
            }
        });
        return f;
    }

    private final class Candidacy implements BackendCandidacy {
        private final String election;
        private final String id;
        private final String token;
        private final String sid;
        private final CandidacyListener listener;
        private volatile Subscription subscription;
        private volatile boolean ended;
        private long toldTerm = -1;

        Candidacy(String election, String id, String token, String sid, CandidacyListener listener) {
            this.election = election;
            this.id = id;
            this.token = token;
            this.sid = sid;
            this.listener = listener;
        }

        void start() {
            subscription = notifier.subscribe(channel(election), new Rechecker(executor, this::check));
            if (ended) {
                subscription.close();
            }
        }

        private CompletableFuture<?> check() {
            if (ended) {
                return CompletableFuture.completedFuture(null);
            }
            return read(election, id, token).thenAccept(a -> {
                if (ended) {
                    return;
                }
                if (!a.present) {
                    // gone while the session lives (removed by hand), or with the session (the core handles that:
                    // LOST is told, ELE-7). After a freeze past the TTL this check may run before the keeper has
                    // told LOST, so the session counts as alive only while its clock says so, not merely its id.
                    if (session.heldBy(sid)) {
                        end();
                        listener.removed();
                    }
                    return;
                }
                if (id.equals(a.leaderId) && token.equals(a.leaderToken)) {
                    if (a.info.term() != toldTerm) {
                        toldTerm = a.info.term();
                        listener.elected(a.info);
                    }
                } else {
                    toldTerm = -1;
                }
            });
        }

        private void end() {
            ended = true;
            Subscription s = subscription;
            if (s != null) {
                s.close();
            }
        }

        @Override
        public CompletableFuture<Optional<LeaderInfo>> currentLeadership() {
            return read(election, id, token).thenApply(a -> a.present && id.equals(a.leaderId)
                    && token.equals(a.leaderToken) ? Optional.of(a.info) : Optional.empty());
        }

        @Override
        public CompletableFuture<Void> withdraw() {
            end();
            return link.evalAnyTime("withdraw from election '" + election + "'", Scripts.WITHDRAW,
                    electionKeys(election), id, token, channel(election)).thenApply(r -> (Void) null);
        }
    }

    @Override
    public CompletableFuture<Optional<LeaderInfo>> leader(String election) {
        return read(election, "", "").thenApply(a -> Optional.ofNullable(a.info));
    }

    @Override
    public Subscription observe(String election, Consumer<Optional<LeaderInfo>> observer) {
        Object[] last = {null};
        Rechecker checker = new Rechecker(executor, () -> leader(election).thenAccept(l -> {
            if (!Objects.equals(l, last[0])) {
                last[0] = l;
                observer.accept(l);
            }
        }));
        return notifier.subscribe(channel(election), checker);
    }
}
