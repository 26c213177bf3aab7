package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.SessionLostException;
import io.coordkit.spi.Futures;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Ephemeral member nodes named by the caller: registry instances and election candidates. Shared by
 * {@link ZkRegistry} and {@link ZkElections}.
 *
 * <p>{@link #create} makes the node, judging an existing node of the same name by its ephemeral owner:
 * <ul>
 *   <li>a node of this coordinator's current session left by an earlier create whose answer was lost in a
 *   connection drop (and that nobody claims) is taken over;</li>
 *   <li>a node of one of this coordinator's former (lost) sessions is deleted and created again, if the caller
 *   allows it;</li>
 *   <li>anything else is refused with the caller's message.</li>
 * </ul>
 *
 * A path is <em>claimed</em> from the start of a create until its {@link Claim} is released (or the create
 * failed, or the session was lost).
 * A create that ended in a connection drop may still have made its node: the path is remembered and, on the
 * next reconnect, its node is deleted unless a claim exists by then ({@link #reconnected()}); a new create of
 * the path first forgets it, and can take the node over.
 *
 * <p>A create issued in one session can be applied by the server in the next one (Curator holds background
 * operations while disconnected and sends them on the new handle). Its node would then belong to a session
 * that never asked for it: such a node is deleted and the create fails with {@link SessionLostException}; if
 * that delete fails, the node is remembered as above and deleted at the next reconnect.
 */
final class MemberNodes {

    private static final Logger LOG = LoggerFactory.getLogger(MemberNodes.class);
    private static final int MAX_ROUNDS = 8;

    private final ZkSession session;
    private final CuratorFramework curator;
    /**
     * Paths with a create in flight or a live member, with their claims. A lost session's claims are dropped
     * ({@link #lost()}); a claim made after that for the lost session stays until its create fails, as it must.
     */
    private final Map<String, Set<Claim>> claims = new ConcurrentHashMap<>();
    /**
     * Nodes that may be left without a member: the create ended in a connection drop, or the delete of a node
     * made in the wrong session or of a member given up by its caller failed. Removed once the connection is
     * back, unless claimed, or once the session owning the node is lost ({@link #lost()}). Each entry is a new
     * {@link Orphan}, so that a clean-up removes only the entry it started with, not one added by a later failed
     * create while it ran. An entry is added only after the path's claim is released: a clean-up skips claimed
     * paths and drops their entries.
     */
    private final Map<String, Orphan> maybeOrphaned = new ConcurrentHashMap<>();

    MemberNodes(ZkSession session) {
        this.session = session;
        this.curator = session.curator();
    }

    /** An entry of {@link #maybeOrphaned}; compared by identity. */
    private static final class Orphan {
        /** The session owning the node: its ephemeral owner where known, else the one the create was issued in. */
        private final long sessionId;

        private Orphan(long sessionId) {
            this.sessionId = sessionId;
        }
    }

    /** A path claimed by a create and then by the member it made. */
    final class Claim {
        private final String path;
        /** The session the create is issued in, and the member's node must belong to. */
        private final long sessionId;
        private volatile Stat stat;

        private Claim(String path, long sessionId) {
            this.path = path;
            this.sessionId = sessionId;
            claims.compute(path, (p, set) -> {
                Set<Claim> s = set != null ? set : ConcurrentHashMap.newKeySet();
                s.add(this);
                return s;
            });
        }

        /** @return the stat of the node made */
        Stat stat() {
            return stat;
        }

        /** Ends the claim (the member ended); idempotent, and without effect once the session was lost. */
        void release() {
            claims.computeIfPresent(path, (p, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
        }

        private boolean isOnly() {
            Set<Claim> set = claims.get(path);
            return set != null && set.size() == 1 && set.contains(this);
        }
    }

    /**
     * Creates a member node and claims its path; the caller releases the claim when the member ends.
     *
     * @param path          the node
     * @param data          its data
     * @param replaceFormer whether a node of one of this coordinator's lost sessions is replaced
     * @param what          the operation and object, for messages
     * @param refusal       the failure message for a node held by someone else, given its owner
     * @return the claim, with the stat of the node now held, owned by the session that issued the create
     */
    CompletableFuture<Claim> create(String path, byte[] data, boolean replaceFormer, String what,
                                    LongFunction<String> refusal) {
        // The session first, then the claim: a loss between the two drops the claim only if it is of the lost
        // session, and then the create, issued in that session, fails as well. (Read after the claim, a new
        // session's id could come with a claim already dropped, and a live member would go unclaimed.)
        long sessionId = session.tracker().sessionId();
        Claim claim = claim(path, sessionId);
        boolean leftByUs = maybeOrphaned.remove(path) != null;
        CompletableFuture<Claim> result = new CompletableFuture<>();
        attempt(path, data, replaceFormer, leftByUs, claim, what, refusal, 0).whenComplete((stat, t) -> {
            if (t != null) {
                claim.release(); // first: a clean-up running in between would drop an entry of a claimed path
                if (Errors.isUnavailable(t)) {
                    maybeOrphaned.put(path, new Orphan(sessionId)); // the answer was lost: the owner is unknown
                }
                result.completeExceptionally(Futures.unwrap(t));
            } else {
                claim.stat = stat;
                result.complete(claim);
            }
        });
        return result;
    }

    /**
     * Claims a path for a create in the given session (the first step of {@link #create}).
     *
     * @param path      the node
     * @param sessionId the session the create is issued in
     * @return the claim, held until released
     */
    Claim claim(String path, long sessionId) {
        return new Claim(path, sessionId);
    }

    /**
     * The session was lost: its nodes are gone (or will be), nothing to clean up; the claims of its creates and
     * members are void (a create in flight fails, its node not being of the session it was issued in). Only the
     * claims and remembered nodes of lost sessions are dropped: those of the next session, if there are any
     * already (a create held across the loss and applied in the next session may be answered, and its node's
     * delete fail, before the loss is handled), stay.
     */
    void lost() {
        SessionTracker tracker = session.tracker();
        for (String path : claims.keySet()) {
            claims.computeIfPresent(path, (p, set) -> {
                set.removeIf(c -> tracker.isFormerSession(c.sessionId));
                return set.isEmpty() ? null : set;
            });
        }
        maybeOrphaned.forEach((path, entry) -> {
            if (tracker.isFormerSession(entry.sessionId)) {
                maybeOrphaned.remove(path, entry);
            }
        });
    }

    /**
     * @param path a node
     * @return true if it is remembered for a clean-up at the next reconnect; for tests
     */
    boolean remembers(String path) {
        return maybeOrphaned.containsKey(path);
    }

    /** The connection is back: deletes the nodes left by lost create answers that nobody claimed since. */
    void reconnected() {
        maybeOrphaned.forEach(this::removeOrphan);
    }

    private CompletableFuture<Stat> attempt(String path, byte[] data, boolean replaceFormer, boolean leftByUs,
                                            Claim claim, String what, LongFunction<String> refusal, int round) {
        if (round >= MAX_ROUNDS) {
            return Async.failed(new CoordinationException(what + " failed: the node kept changing owner"));
        }
        return Async.run(session.executor(), what, (cb, ex) -> curator.create().creatingParentContainersIfNeeded()
                        .withMode(CreateMode.EPHEMERAL).inBackground(cb, ex).forPath(path, data))
                .thenCompose(e -> switch (Async.code(e)) {
                    case OK -> made(claim, e.getStat(), what); // checked against the claim's session in every round
                    case NODEEXISTS -> stat(path, what).thenCompose(s -> existing(path, data, s, replaceFormer,
                            leftByUs, claim, what, refusal, round));
                    default -> Async.failed(Errors.of(e, what));
                });
    }

    private CompletableFuture<Stat> existing(String path, byte[] data, Stat stat, boolean replaceFormer,
                                             boolean leftByUs, Claim claim, String what,
                                             LongFunction<String> refusal, int round) {
        if (stat == null) {
            return attempt(path, data, replaceFormer, leftByUs, claim, what, refusal, round + 1); // gone meanwhile
        }
        long owner = stat.getEphemeralOwner();
        SessionTracker tracker = session.tracker();
        if (owner == claim.sessionId && leftByUs && claim.isOnly()) {
            // ours, left by an earlier create whose answer was lost in a connection drop: take it over
            return session.ops().setData(path, data, stat.getVersion(), what).thenCompose(e -> switch (Async.code(e)) {
                case OK -> made(claim, e.getStat(), what);
                case BADVERSION, NONODE -> attempt(path, data, replaceFormer, leftByUs, claim, what, refusal,
                        round + 1);
                default -> Async.failed(Errors.of(e, what));
            });
        }
        if (replaceFormer && owner != 0 && tracker.isFormerSession(owner)) {
            LOG.info("{}: replacing the node left by the lost session 0x{}", what, Long.toHexString(owner));
            return delete(path, stat.getVersion(), what).thenCompose(e -> switch (Async.code(e)) {
                case OK, NONODE, BADVERSION -> attempt(path, data, replaceFormer, leftByUs, claim, what, refusal,
                        round + 1);
                default -> Async.failed(Errors.of(e, what));
            });
        }
        return Async.failed(new CoordinationException(refusal.apply(owner)));
    }

    /**
     * Checks that a node just made or taken over belongs to the session that asked for it; if not, deletes it
     * and fails (the last step of {@link #create} and of a take-over).
     *
     * <p>The delete's result is checked ({@link Async#run} reports a connection loss as a result code, not as a
     * failure): a node left in place would belong to the live session with no claim, so it would be listed,
     * could block an election, and would make a later create of the path fail. It is therefore remembered like
     * the node of a create whose answer was lost, and deleted at the next reconnect ({@link #reconnected()}),
     * with the node's owner as its session (the session the create was issued in if there is no stat). The claim
     * is released first: a clean-up between the two would find the path claimed and drop the entry. Not with
     * Curator's guaranteed delete: its retries drop the version, and could delete a node made since.
     *
     * @param claim the create's claim: the node and the session that asked for it; released if the node is
     *              refused
     * @param stat  its stat as the create or take-over returned it (null if none)
     * @param what  the operation and object, for messages
     * @return the stat, or failed once the node was deleted (or its delete failed)
     */
    CompletableFuture<Stat> made(Claim claim, Stat stat, String what) {
        String path = claim.path;
        long issuedIn = claim.sessionId;
        if (stat != null && stat.getEphemeralOwner() == issuedIn && !session.tracker().isFormerSession(issuedIn)) {
            return CompletableFuture.completedFuture(stat);
        }
        // Curator passes the stat of every create and setData. A node of another session than the one that
        // asked was applied after that session was lost, in its successor; a node of a session lost by now
        // would be granted across the loss
        int version = stat == null ? -1 : stat.getVersion();
        return delete(path, version, what).handle((e, t) -> {
            Code code = t == null ? Async.code(e) : null;
            String fate;
            claim.release(); // the create fails: release it now, before the entry is added
            if (code == Code.OK || code == Code.NONODE) {
                fate = "it was deleted again";
            } else {
                maybeOrphaned.put(path, new Orphan(stat != null ? stat.getEphemeralOwner() : issuedIn));
                fate = "deleting it failed (" + (t != null ? Futures.unwrap(t) : code)
                        + "); it is deleted at the next reconnect (or goes with its session)";
                LOG.debug("{}: {}", what, fate);
            }
            throw stat == null
                    ? new CoordinationException(what + " failed: no stat for the node made; " + fate)
                    : new SessionLostException(what + " failed: the session 0x" + Long.toHexString(issuedIn)
                    + " was lost before the node was made (by session 0x"
                    + Long.toHexString(stat.getEphemeralOwner()) + "); " + fate);
        });
    }

    /**
     * Deletes a node left by a create whose answer was lost, unless a create or member claims it by now.
     *
     * @param path  the node
     * @param entry its entry in {@link #maybeOrphaned}, the only one this clean-up may remove
     */
    private void removeOrphan(String path, Orphan entry) {
        String what = "clean-up of " + path;
        stat(path, what).thenCompose(s -> {
            // checked after the stat: a claim made before it answered may have taken the node over
            if (s == null || s.getEphemeralOwner() != session.tracker().sessionId() || claims.containsKey(path)) {
                maybeOrphaned.remove(path, entry);
                return CompletableFuture.completedFuture(null);
            }
            // at its version: a take-over since the stat changed it, and the delete fails
            return delete(path, s.getVersion(), what).thenAccept(e -> {
                Code code = Async.code(e);
                if (code == Code.OK || code == Code.NONODE || code == Code.BADVERSION) {
                    maybeOrphaned.remove(path, entry); // deleted, gone, or taken over (and claimed) since
                } else {
                    LOG.debug("{} failed ({}); trying again on the next reconnect", what, code);
                }
            });
        }).whenComplete((v, t) -> {
            if (t != null) {
                LOG.debug("{} failed ({}); trying again on the next reconnect", what, t.toString());
            }
        });
    }

    /**
     * Ends a member whose caller gave up while it was being made (SPI-8): releases its claim and deletes its
     * node. Nobody else would retry that delete (the caller never got the member), so if it fails the path is
     * remembered like the node of a create whose answer was lost, and the node is deleted at the next reconnect
     * unless a create claims the path by then.
     *
     * @param claim the member's claim
     * @param what  the operation and object, for messages
     * @return completes once the node is deleted (or found gone or not ours); failed if the delete failed
     */
    CompletableFuture<Void> discard(Claim claim, String what) {
        claim.release();
        return deleteIfOurs(claim.path, claim.stat.getCzxid(), what).whenComplete((v, t) -> {
            if (t != null) {
                maybeOrphaned.put(claim.path, new Orphan(claim.stat.getEphemeralOwner()));
                LOG.debug("{} failed ({}); deleting the node at the next reconnect", what,
                        Futures.unwrap(t).getMessage());
            }
        });
    }

    /**
     * Deletes a member's node if it is still the one the member made (same czxid) and belongs to this
     * coordinator (its current or a former session).
     *
     * @param path  the node
     * @param czxid its creation zxid
     * @param what  the operation, for messages
     * @return completes once deleted, or found gone or not ours
     */
    CompletableFuture<Void> deleteIfOurs(String path, long czxid, String what) {
        return stat(path, what).thenCompose(s -> {
            if (s == null || s.getCzxid() != czxid || !ours(s.getEphemeralOwner())) {
                return CompletableFuture.<Void>completedFuture(null); // gone, or not ours any more
            }
            return delete(path, s.getVersion(), what).thenApply(e -> {
                if (Async.code(e) != Code.OK && Async.code(e) != Code.NONODE) {
                    throw Errors.of(e, what);
                }
                return null;
            });
        });
    }

    private boolean ours(long owner) {
        SessionTracker tracker = session.tracker();
        return owner == tracker.sessionId() || (owner != 0 && tracker.isFormerSession(owner));
    }

    private CompletableFuture<Stat> stat(String path, String what) {
        return session.ops().stat(path, what);
    }

    private CompletableFuture<CuratorEvent> delete(String path, int version, String what) {
        return session.ops().delete(path, version, what);
    }
}
