package io.coordkit.etcd;

import io.coordkit.CoordinationException;
import io.coordkit.spi.Futures;
import io.coordkit.Subscription;
import io.coordkit.election.LeaderInfo;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.SerialExecutor;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * Elections: one key per candidate, {@code elections/<name>~/<candidateId>}, on the session lease, ordered by
 * <b>create revision</b>. The leader is the oldest candidate and its term is its key's create revision: a later
 * leader's key was created after every earlier leader's, and revisions survive leader failover (ELE-3). Naming the
 * key after the candidate makes ids unique among live candidates with one transaction. Each candidate watches only
 * its predecessor and its own key; a rejoin after a lost session replaces the key the lost lease left.
 */
final class EtcdElections implements ElectionBackend {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdElections.class);

    private final EtcdSession session;
    private final Set<Candidacy> candidacies = ConcurrentHashMap.newKeySet();
    private final Set<EtcdWatch> observers = ConcurrentHashMap.newKeySet();

    EtcdElections(EtcdSession session) {
        this.session = session;
    }

    private String dir(String election) {
        return session.keys().directory("elections", election);
    }

    private static GetOption byCreation(String dir, long limit) {
        GetOption.Builder b = GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND);
        if (limit > 0) {
            b = b.withLimit(limit);
        }
        return b.build();
    }

    private static LeaderInfo info(String dir, KeyValue kv) {
        String id = Keys.memberName(kv.getKey(), dir);
        return new LeaderInfo(id, Keys.decodeMetadata(id, kv.getValue()), kv.getCreateRevision());
    }

    @Override
    public CompletableFuture<BackendCandidacy> join(String election, String candidateId, Map<String, String> metadata,
                                                    CandidacyListener listener) {
        String dir = dir(election);
        ByteSequence key = Keys.bytes(dir + candidateId);
        long lease;
        try {
            lease = session.lease();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<BackendCandidacy> result = new CompletableFuture<>();
        EtcdRegistry.Members.create(session, key, Keys.encodeMetadata(metadata), lease, true, "join",
                        election + "/" + candidateId)
                .whenComplete((createRevision, t) -> {
                    if (t != null) {
                        result.completeExceptionally(Futures.unwrap(t));
                        return;
                    }
                    Candidacy c = new Candidacy(election, dir, key, candidateId, metadata, createRevision, lease,
                            listener);
                    candidacies.add(c);
                    c.start();
                    if (!result.complete(c)) {
                        c.withdraw();
                    }
                });
        return result;
    }

    @Override
    public CompletableFuture<Optional<LeaderInfo>> leader(String election) {
        String dir = dir(election);
        return session.call("leader", election, () -> session.client().getKVClient().get(Keys.bytes(dir),
                byCreation(dir, 1))).thenApply(r -> r.getKvs().isEmpty() ? Optional.empty()
                : Optional.of(info(dir, r.getKvs().get(0))));
    }

    @Override
    public Subscription observe(String election, Consumer<Optional<LeaderInfo>> observer) {
        String dir = dir(election);
        Map<ByteSequence, KeyValue> members = new HashMap<>();
        Object[] last = new Object[1];
        boolean[] told = new boolean[1];
        Runnable deliver = () -> {
            KeyValue oldest = null;
            for (KeyValue kv : members.values()) {
                if (oldest == null || kv.getCreateRevision() < oldest.getCreateRevision()) {
                    oldest = kv;
                }
            }
            Optional<LeaderInfo> now;
            try {
                now = oldest == null ? Optional.empty() : Optional.of(info(dir, oldest));
            } catch (CoordinationException e) {
                LOG.warn("election {}: {}", election, e.getMessage());
                return;
            }
            if (!told[0] || !Objects.equals(now, last[0])) {
                told[0] = true;
                last[0] = now;
                observer.accept(now);
            }
        };
        EtcdWatch w = new EtcdWatch(session, "election " + election, Keys.bytes(dir), Keys.prefixEnd(dir),
                new EtcdWatch.Sink() {
                    @Override
                    public void resync(long revision, List<KeyValue> kvs) {
                        members.clear();
                        kvs.forEach(kv -> members.put(kv.getKey(), kv));
                        deliver.run();
                    }

                    @Override
                    public void events(List<WatchEvent> events) {
                        for (WatchEvent e : events) {
                            if (e.getEventType() == WatchEvent.EventType.PUT) {
                                members.put(e.getKeyValue().getKey(), e.getKeyValue());
                            } else if (e.getEventType() == WatchEvent.EventType.DELETE) {
                                members.remove(e.getKeyValue().getKey());
                            }
                        }
                        deliver.run();
                    }
                });
        observers.add(w);
        w.start();
        return () -> {
            observers.remove(w);
            w.close();
        };
    }

    void close() {
        candidacies.forEach(Candidacy::stop);
        candidacies.clear();
        observers.forEach(EtcdWatch::close);
        observers.clear();
    }

    /** A candidate's key and what it watches. */
    private final class Candidacy implements BackendCandidacy {
        private final String election;
        private final String dir;
        private final ByteSequence key;
        private final String id;
        private final Map<String, String> metadata;
        private final long createRevision;
        private final long lease;
        private final CandidacyListener listener;
        private final SerialExecutor serial;
        private final SessionStates.Listener sessionListener = this::sessionChanged;
        // serial only
        private boolean ended;
        private boolean electedTold;
        private int generation;
        private Watch.Watcher watcher;
        private ScheduledFuture<?> poll;

        Candidacy(String election, String dir, ByteSequence key, String id, Map<String, String> metadata,
                  long createRevision, long lease, CandidacyListener listener) {
            this.election = election;
            this.dir = dir;
            this.key = key;
            this.id = id;
            this.metadata = Map.copyOf(metadata);
            this.createRevision = createRevision;
            this.lease = lease;
            this.listener = listener;
            this.serial = new SerialExecutor(session.executor(), "candidate " + election + "/" + id);
        }

        void start() {
            session.states().addListener(sessionListener);
            serial.execute(() -> recheck(generation));
        }

        private void sessionChanged(SessionState s) {
            if (s == SessionState.LOST) {
                stop();
            } else if (s == SessionState.RECONNECTED) {
                serial.execute(() -> recheck(generation));
            }
        }

        private void recheck(int gen) {
            if (ended || gen != generation) {
                return;
            }
            int next = ++generation;
            closeWatcher();
            session.call("join", election, () -> session.client().getKVClient().get(Keys.bytes(dir),
                    byCreation(dir, 0))).whenComplete((r, t) -> serial.execute(() -> {
                        if (ended || next != generation) {
                            return;
                        }
                        if (t != null) {
                            schedulePoll(next, 300);
                            return;
                        }
                        evaluate(r.getKvs(), r.getHeader().getRevision());
                    }));
        }

        private void evaluate(List<KeyValue> kvs, long revision) {
            int me = -1;
            for (int i = 0; i < kvs.size(); i++) {
                if (kvs.get(i).getKey().equals(key) && kvs.get(i).getCreateRevision() == createRevision) {
                    me = i;
                    break;
                }
            }
            if (me < 0) {
                SessionState s = session.states().state();
                // gone while the lease lives: removed by hand. After a freeze past the TTL this read may come before
                // the keeper has told the loss (ELE-7 wants SESSION_LOST then), so the lease must live by the clock
                if (s.isUsable() && session.keeper().heldByClock(lease)) {
                    ended = true;
                    stopWatching();
                    listener.removed();
                } else if (s.isUsable() && session.keeper().leaseId() == lease) {
                    // not sure yet: read again once the keeper has renewed the lease or told its loss
                    schedulePoll(generation, 500);
                }
                return;
            }
            if (me == 0) {
                if (!electedTold) {
                    electedTold = true;
                    listener.elected(new LeaderInfo(id, metadata, createRevision));
                }
                watch(null, revision + 1);
            } else {
                watch(kvs.get(me - 1).getKey(), revision + 1);
            }
        }

        /** Watches the own key and, when waiting, the predecessor; any delete of one of them means read again. */
        private void watch(ByteSequence predecessor, long fromRevision) {
            closeWatcher();
            int gen = ++generation;
            try {
                watcher = session.client().getWatchClient().watch(Keys.bytes(dir), WatchOption.builder()
                        .isPrefix(true).withNoPut(true).withRevision(fromRevision)
                        .withRequireLeader(true).build(), new Watch.Listener() {
                            @Override
                            public void onNext(WatchResponse response) {
                                for (WatchEvent e : response.getEvents()) {
                                    ByteSequence k = e.getKeyValue().getKey();
                                    if (k.equals(key) || k.equals(predecessor)) {
                                        serial.execute(() -> recheck(gen));
                                        return;
                                    }
                                }
                            }

                            @Override
                            public void onError(Throwable throwable) {
                                serial.execute(() -> recheck(gen));
                            }

                            @Override
                            public void onCompleted() {
                                serial.execute(() -> recheck(gen));
                            }
                        });
            } catch (RuntimeException e) {
                schedulePoll(gen, 200);
                return;
            }
            schedulePoll(gen, Math.max(1000, session.spec().sessionTtl().toMillis()));
        }

        private void schedulePoll(int gen, long delay) {
            if (poll != null) {
                poll.cancel(false);
            }
            poll = session.schedule(() -> serial.execute(() -> recheck(gen)), delay);
        }

        @Override
        public CompletableFuture<Optional<LeaderInfo>> currentLeadership() {
            return session.call("leadership", election, () -> session.client().getKVClient().get(Keys.bytes(dir),
                    byCreation(dir, 1))).thenApply(r -> {
                        if (r.getKvs().isEmpty()) {
                            return Optional.empty();
                        }
                        KeyValue first = r.getKvs().get(0);
                        boolean mine = first.getKey().equals(key) && first.getCreateRevision() == createRevision
                                && first.getLease() == session.keeper().leaseId();
                        return mine ? Optional.of(new LeaderInfo(id, metadata, createRevision)) : Optional.empty();
                    });
        }

        @Override
        public CompletableFuture<Void> withdraw() {
            stop();
            return EtcdLease.deleteIfOurs(session, key, createRevision, "withdraw", election + "/" + id);
        }

        void stop() {
            session.states().removeListener(sessionListener);
            candidacies.remove(this);
            serial.execute(() -> {
                ended = true;
                stopWatching();
            });
        }

        private void stopWatching() {
            generation++;
            closeWatcher();
            if (poll != null) {
                poll.cancel(false);
            }
        }

        private void closeWatcher() {
            Watch.Watcher w = watcher;
            watcher = null;
            if (w != null) {
                try {
                    w.close();
                } catch (RuntimeException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
