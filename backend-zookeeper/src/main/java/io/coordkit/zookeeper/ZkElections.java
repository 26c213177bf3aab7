package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.Subscription;
import io.coordkit.election.LeaderInfo;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendCandidacy;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.Futures;
import io.coordkit.spi.SerialExecutor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Leader elections: one ephemeral node {@code elections/<name>/candidate~<candidateId>} per candidate, holding
 * its metadata, ordered by creation zxid (czxid).
 *
 * <ul>
 *   <li>The leader is the candidate whose node is oldest (lowest czxid); its term is that czxid. A later
 *   leader's node is younger than every earlier leader's, and zxids are global and survive ZooKeeper leader
 *   failover, so terms strictly increase (ELE-3).</li>
 *   <li>Naming the node after the candidate id makes the id unique among live candidates with one atomic
 *   create: a duplicate fails with NODEEXISTS (and becomes a {@link CoordinationException}). The usual
 *   sequential-node recipe would need a second node or a search to give the same guarantee.</li>
 *   <li>Each candidate watches only its predecessor (by czxid) and its own node.</li>
 *   <li>{@link BackendCandidacy#currentLeadership()} checks that the own node still exists, is owned by the
 *   current session (the fix of CURATOR-696) and is the oldest.</li>
 * </ul>
 *
 * Own recipe rather than Curator's LeaderLatch/LeaderSelector (why: the module's README, "Recipes: Curator's and our own").
 */
final class ZkElections implements ElectionBackend {

    private static final Logger LOG = LoggerFactory.getLogger(ZkElections.class);

    /** A candidate node as listed: its id, path and stat. */
    private record Entry(String id, String path, Stat stat) {
    }

    private final ZkSession session;
    private final CuratorFramework curator;
    private final Paths paths;
    /** The candidacies of this coordinator that have not ended. */
    private final Set<ZkCandidacy> active = ConcurrentHashMap.newKeySet();
    private final MemberNodes members;
    private final Set<SnapshotWatch<Optional<LeaderInfo>>> observers = ConcurrentHashMap.newKeySet();
    private final SessionTracker.Listener stateListener = this::stateChanged;

    ZkElections(ZkSession session) {
        this.session = session;
        this.curator = session.curator();
        this.paths = session.paths();
        this.members = new MemberNodes(session);
        session.tracker().addListener(stateListener);
    }

    @Override
    public CompletableFuture<BackendCandidacy> join(String election, String candidateId,
                                                    Map<String, String> metadata, CandidacyListener listener) {
        String path = paths.candidate(election, candidateId);
        String what = "join of candidate '" + candidateId + "' to election '" + election + "'";
        byte[] data;
        try {
            data = Codec.metadata(metadata);
        } catch (CoordinationException e) {
            return Async.failed(e);
        }
        CompletableFuture<BackendCandidacy> result = new CompletableFuture<>();
        // a node of this coordinator's lost session is replaced: the core rejoins after a lost session
        members.create(path, data, true, what, owner -> what + " failed: a candidate with this id already takes "
                        + "part (session 0x" + Long.toHexString(owner) + ")")
                .whenComplete((claim, t) -> {
                    if (t != null) {
                        result.completeExceptionally(t);
                        return;
                    }
                    ZkCandidacy c = new ZkCandidacy(election, candidateId, path, claim, Map.copyOf(metadata),
                            listener);
                    active.add(c);
                    if (result.complete(c)) {
                        c.start();
                    } else {
                        c.discard(); // the caller gave up meanwhile (SPI-8)
                    }
                });
        return result;
    }

    @Override
    public CompletableFuture<Optional<LeaderInfo>> leader(String election) {
        return leader(election, "leader query of election '" + election + "'", 0);
    }

    private CompletableFuture<Optional<LeaderInfo>> leader(String election, String what, int round) {
        return candidates(paths.election(election), what).thenCompose(list -> {
            if (list.isEmpty()) {
                return CompletableFuture.completedFuture(Optional.<LeaderInfo>empty());
            }
            Entry first = list.get(0);
            return session.ops().getData(first.path(), what).thenCompose(e -> {
                Code code = Async.code(e);
                if (code == Code.OK && e.getStat().getCzxid() == first.stat().getCzxid()) {
                    Map<String, String> md = Codec.metadata("candidate '" + first.id() + "'", e.getData());
                    return CompletableFuture.completedFuture(Optional.of(
                            new LeaderInfo(first.id(), md, first.stat().getCzxid())));
                }
                if (code != Code.OK && code != Code.NONODE) {
                    return Async.failed(Errors.of(e, what));
                }
                // the leader left (or came back) between listing and reading: look again
                return round < 8 ? leader(election, what, round + 1)
                        : Async.failed(new CoordinationException(what + " failed: leadership kept changing"));
            });
        });
    }

    /** @return the candidates of an election, oldest first */
    private CompletableFuture<List<Entry>> candidates(String dir, String what) {
        return session.ops().children(dir, what).thenCompose(e -> {
            switch (Async.code(e)) {
                case OK:
                    break;
                case NONODE:
                    return CompletableFuture.completedFuture(List.<Entry>of());
                default:
                    return Async.failed(Errors.of(e, what));
            }
            List<CompletableFuture<Entry>> stats = new ArrayList<>();
            for (String child : e.getChildren()) {
                if (child.startsWith(Paths.CANDIDATE)) {
                    String path = Paths.child(dir, child);
                    String id = child.substring(Paths.CANDIDATE.length());
                    stats.add(stat(path, what).thenApply(s -> s == null ? null : new Entry(id, path, s)));
                }
            }
            return CompletableFuture.allOf(stats.toArray(CompletableFuture[]::new)).thenApply(v -> stats
                    .stream()
                    .map(CompletableFuture::join)
                    .filter(Objects::nonNull)
                    .sorted(Comparator.comparingLong(en -> en.stat().getCzxid()))
                    .toList());
        });
    }

    @Override
    public Subscription observe(String election, Consumer<Optional<LeaderInfo>> observer) {
        String what = "observer of election '" + election + "'";
        SnapshotWatch<Optional<LeaderInfo>> w = new SnapshotWatch<>(session, paths.election(election),
                Paths.CANDIDATE, what, () -> leader(election, what, 0), observer, observers::remove);
        observers.add(w);
        w.start();
        return w;
    }

    void close() {
        session.tracker().removeListener(stateListener);
        observers.forEach(SnapshotWatch::close);
        active.forEach(ZkCandidacy::end);
    }

    private void stateChanged(SessionState state) {
        switch (state) {
            case LOST -> {
                active.forEach(ZkCandidacy::end);
                members.lost();
            }
            case RECONNECTED -> {
                active.forEach(ZkCandidacy::reconnected);
                members.reconnected();
            }
            default -> {
            }
        }
    }

    private CompletableFuture<Stat> stat(String path, String what) {
        return session.ops().stat(path, what);
    }

    /**
     * One candidacy. Tells its listener {@code elected} once, when its node becomes the oldest, and
     * {@code removed} once, if its node disappears while the session lives. Steps run one at a time.
     */
    private final class ZkCandidacy implements BackendCandidacy {
        private final String election;
        private final String id;
        private final String path;
        private final String dir;
        private final MemberNodes.Claim claim;
        private final long czxid;
        private final Map<String, String> metadata;
        private final CandidacyListener listener;
        private final long sessionId;
        private final String what;
        private final SerialExecutor serial = new SerialExecutor(session.executor(), "election observer");
        private final Watcher watcher;
        /** The nodes the watcher was set on: the own node and predecessors. */
        private final Set<String> watched = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean ended = new AtomicBoolean();
        // confined to `serial`
        private boolean evaluating;
        private boolean evaluateAgain;
        private boolean electedSent;

        ZkCandidacy(String election, String id, String path, MemberNodes.Claim claim, Map<String, String> metadata,
                    CandidacyListener listener) {
            this.election = election;
            this.id = id;
            this.path = path;
            this.dir = paths.election(election);
            this.claim = claim;
            this.czxid = claim.stat().getCzxid();
            this.metadata = metadata;
            this.listener = listener;
            this.sessionId = claim.stat().getEphemeralOwner();
            this.what = "candidacy of '" + id + "' in election '" + election + "'";
            this.watcher = event -> {
                if (event.getType() != Watcher.Event.EventType.None) {
                    serial.execute(this::evaluate);
                }
            };
        }

        void start() {
            serial.execute(() -> {
                watchNode(path, czxid);
                evaluate();
            });
        }

        void reconnected() {
            serial.execute(() -> {
                watchNode(path, czxid);
                evaluate();
            });
        }

        @Override
        public CompletableFuture<Optional<LeaderInfo>> currentLeadership() {
            String w = "leadership check of " + what;
            return stat(path, w).thenCompose(s -> {
                if (s == null || s.getCzxid() != czxid || s.getEphemeralOwner() != session.tracker().sessionId()) {
                    return CompletableFuture.completedFuture(Optional.<LeaderInfo>empty());
                }
                return candidates(dir, w).thenApply(list -> !list.isEmpty() && list.get(0).stat().getCzxid() == czxid
                        ? Optional.of(new LeaderInfo(id, metadata, czxid)) : Optional.<LeaderInfo>empty());
            });
        }

        @Override
        public CompletableFuture<Void> withdraw() {
            end();
            return members.deleteIfOurs(path, czxid, "withdrawal of " + what);
        }

        /**
         * Ends a candidacy its caller gave up on (SPI-8) and deletes its node. Nobody calls {@link #withdraw()}
         * for it, so a failed delete is retried by {@link MemberNodes} at the next reconnect.
         */
        void discard() {
            end();
            members.discard(claim, "withdrawal of " + what);
        }

        /** Stops telling the listener anything; removes the watches; the node stays. */
        void end() {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            active.remove(this);
            claim.release();
            for (String node : watched) {
                unwatch(node);
            }
        }

        private void unwatch(String node) {
            try {
                curator.watchers().remove(watcher).ofType(Watcher.WatcherType.Any).locally()
                        .inBackground((c, e) -> { }, session.executor()).forPath(node);
            } catch (Exception e) {
                LOG.debug("{}: could not remove the watch on {}: {}", what, node, e.toString());
            }
        }

        private void evaluate() {
            if (ended.get()) {
                return;
            }
            if (evaluating) {
                evaluateAgain = true;
                return;
            }
            evaluating = true;
            candidates(dir, what).whenComplete((list, t) -> serial.execute(() -> {
                evaluating = false;
                evaluated(list, t);
                if (evaluateAgain) {
                    evaluateAgain = false;
                    evaluate();
                }
            }));
        }

        private void evaluated(List<Entry> list, Throwable t) {
            if (ended.get()) {
                return;
            }
            if (t != null) {
                // unavailable: evaluated again on reconnect; lost: the core ends the candidacy
                LOG.debug("{}: evaluation failed ({})", what, Futures.unwrap(t).getMessage());
                return;
            }
            int own = -1;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).stat().getCzxid() == czxid) {
                    own = i;
                    break;
                }
            }
            if (own < 0) {
                if (session.tracker().sessionId() == sessionId && session.tracker().state() != SessionState.LOST) {
                    end();
                    LOG.warn("{}: its node {} was deleted while the session lives", what, path);
                    listener.removed();
                }
                return;
            }
            if (own == 0) {
                if (!electedSent) {
                    electedSent = true;
                    listener.elected(new LeaderInfo(id, metadata, czxid));
                }
                return;
            }
            watchNode(list.get(own - 1).path(), list.get(own - 1).stat().getCzxid());
        }

        /**
         * Watches a node that was seen with creation zxid {@code expectedCzxid}. Candidate nodes are named after
         * the candidate id, so a path can be deleted and created again by a rejoining candidate between the
         * listing and the watch: a watch on that newer node (behind us in line) would never fire for us, so a
         * different czxid counts as "gone" and triggers a new evaluation.
         */
        private void watchNode(String node, long expectedCzxid) {
            if (ended.get()) {
                return;
            }
            if (!node.equals(path)) {
                // the predecessor changed: the watch on the former one is of no use any more
                for (String old : watched) {
                    if (!old.equals(path) && !old.equals(node) && watched.remove(old)) {
                        unwatch(old);
                    }
                }
            }
            watched.add(node);
            Async.run(session.executor(), what, (cb, ex) -> curator.checkExists().usingWatcher(watcher)
                            .inBackground(cb, ex).forPath(node))
                    .whenComplete((e, t) -> {
                        if (ended.get()) {
                            unwatch(node); // ended while the watch was being set
                            return;
                        }
                        if (t == null && (Async.code(e) == Code.NONODE
                                || (Async.code(e) == Code.OK && e.getStat().getCzxid() != expectedCzxid))) {
                            serial.execute(this::evaluate); // gone (or replaced) before the watch was set
                        }
                    });
        }

        @Override
        public String toString() {
            return "ZkCandidacy[" + election + "/" + id + ", term " + czxid + "]";
        }
    }
}
