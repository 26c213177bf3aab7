package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.SessionLostException;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.CallerWaits;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;
import io.coordkit.spi.SerialExecutor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import io.coordkit.BackendUnavailableException;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One acquisition of a lock, a read or write side, or a semaphore permit.
 *
 * <p>The recipe: create an ephemeral-sequential node {@code <kind>~NNNNNNNNNN} in the lock's directory, with a
 * protected prefix {@code _c_<uuid>-} so that a node whose create was cut off by a connection drop can be found
 * (by Curator's protection, or by {@link #recover} for a create made on the caller's thread), list the directory
 * right behind the create, order the members by sequence number, and decide:
 *
 * <ul>
 *   <li>exclusive lock, write side: held if no member is earlier; else watch the immediate predecessor;</li>
 *   <li>read side: held if no earlier member is a writer; else watch the nearest earlier writer;</li>
 *   <li>semaphore of n permits: held if fewer than n members are earlier; else watch the n nearest earlier
 *   members (the count of earlier members can only drop below n after one of those goes).</li>
 * </ul>
 *
 * Each waiter watches only the members that can unblock it (no herd effect; a semaphore release can wake up to
 * {@code permits} waiters, each of which lists again); a watched member's deletion
 * triggers a new listing. Arrival order (sequence order) is service order: FAIR_LOCKS. The fencing token is a
 * zxid (global, strictly increasing, and kept by a new ZooKeeper leader: LCK-4, LCK-12): the own node's czxid, or
 * for an exclusive lock the zxid of the change that ended its wait ({@link #acquired}).
 *
 * <p>For a caller who waits for the result, the requests are made on the caller's thread ({@link Here}); otherwise,
 * and once the call's deadline passed, through Curator in the background.
 *
 * <p>A semaphore attempt then checks the permits in the directory's data ({@link #checkPermits}); a node made
 * in another session than the one that issued the create (Curator holds creates while disconnected) fails the
 * attempt with {@link SessionLostException}.
 *
 * <p>A try ({@code maxWait} zero), a timed-out wait, a cancelled future and a failure all delete the attempt's
 * node (LCK-7, SPI-8). A connection drop while waiting does not fail the attempt: it lists again on
 * RECONNECTED (a semaphore attempt whose permits check was cut off checks them again first, or shortly after
 * the failure if the session is usable by then); a lost session fails it. All steps run one at a time on a
 * serial executor.
 */
final class LockAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(LockAttempt.class);

    /** A member node: optional Curator protection prefix, kind, '~', ten-digit sequence. */
    private static final Pattern MEMBER =
            Pattern.compile("(?:_c_[0-9a-fA-F-]{36}-)?(lock|read|write|permit)~(-?\\d+)");
    /** Curator's protection prefix, used the same way by {@link #createHere}: {@code _c_<uuid>-}. */
    private static final String PROTECTED = "_c_";
    /**
     * The delay before a permits check, or the search for a node whose create's outcome is unknown, cut off while the
     * session is usable, is done again.
     */
    private static final long RETRY_MS = 200;

    private enum Phase { NEW, CREATING, WAITING, HELD, DONE }

    private record Member(String name, String kind, long sequence) {
    }

    /**
     * A watch on a blocker; {@code fired} once its event came (the server then holds it no more), {@code removed}
     * once the attempt no longer needs it. {@code zk} is the raw handle it was set with by the caller's thread, or
     * null if Curator set it.
     */
    private record Watch(String path, Watcher watcher, AtomicBoolean fired, AtomicBoolean removed, ZooKeeper zk) {
    }

    /**
     * A listing of the directory: its members and its stat, or the failure. The stat's pzxid is the zxid of the
     * last change to the directory's members: an exclusive lock's fencing token (see {@link #acquired}).
     */
    private record Listing(List<String> children, Stat stat, Code code, RuntimeException error) {
        Listing(List<String> children, Stat stat) {
            this(children, stat, Code.OK, null);
        }

        static Listing failed(Code code, RuntimeException error) {
            return new Listing(null, null, code, error);
        }

        boolean ok() {
            return error == null;
        }
    }

    private final ZkSession session;
    private final CuratorFramework curator;
    private final LockRequest request;
    private final Runnable onLost;
    private final Consumer<LockAttempt> finished;
    private final String dir;
    private final String label;
    private final String what;
    private final SerialExecutor serial;
    private final CompletableFuture<Optional<BackendLease>> result = new CompletableFuture<>();

    // confined to `serial`
    private Phase phase = Phase.NEW;
    private String ownPath;
    private String ownName;
    /** The own node's czxid, the fencing token of a lease that is not an exclusive lock's. */
    private long czxid;
    /** The session that issued the create, and owns the own node once made (checked, see {@link #created}). */
    private long issuedIn;
    private long owner;
    private ScheduledFuture<?> timer;
    private boolean listing;
    private boolean listAgain;
    /**
     * The listing sent right behind the create (see {@link #start}): whether {@link #created} waits for it instead
     * of listing, and its answer if it came first.
     */
    private boolean awaitingPipelined;
    private Listing pipelined;
    private boolean pipelinedArrived;
    /** The caller's thread while it makes the attempt's requests ({@link Here}); null once it no longer does. */
    private Here here;
    /**
     * The protected prefix of a create made by {@link #createHere} whose outcome is not known (its listing failed),
     * until {@link #recover} has found out; null if none.
     */
    private String unknownCreate;
    private boolean recovering;
    /**
     * The round of a permits check cut off by a connection problem, done again on RECONNECTED or by the retry
     * scheduled if the session was usable at the failure, whichever comes first; -1 if none (then no check is
     * owed, and at most one is in flight).
     */
    private int permitsAgain = -1;
    private final List<Watch> watches = new ArrayList<>();

    LockAttempt(ZkSession session, LockRequest request, Runnable onLost, Consumer<LockAttempt> finished) {
        this.session = session;
        this.curator = session.curator();
        this.request = request;
        this.onLost = onLost;
        this.finished = finished;
        this.dir = session.paths().lockDir(request.kind(), request.name());
        this.label = label(request.kind());
        this.what = "acquire of " + describe(request);
        // Steps run where their cause arrives: on the caller's thread for the start and the answers it gets (Here), on
        // ZooKeeper's event thread for background answers and watch events, on the session executor for everything
        // else. A step only decides and sends the next request or asks the caller's thread for it; it never blocks
        // (Curator sends a background request at once when connected and queues it otherwise). No hop to another
        // thread between an answer and the next request or the grant.
        this.serial = new SerialExecutor(Runnable::run, "lock attempt");
    }

    static String describe(LockRequest request) {
        return switch (request.kind()) {
            case EXCLUSIVE -> "lock '" + request.name() + "'";
            case READ -> "read lock '" + request.name() + "'";
            case WRITE -> "write lock '" + request.name() + "'";
            case SEMAPHORE -> "semaphore '" + request.name() + "'";
        };
    }

    CompletableFuture<Optional<BackendLease>> result() {
        return result;
    }

    /**
     * Creates the node and starts deciding.
     *
     * <p>For a caller who waits for the result ({@link CallerWaits}), the attempt's requests are made on the caller's
     * thread with ZooKeeper's synchronous calls ({@link Here}), until the attempt ends or the call's deadline
     * passes: each answer then wakes the caller directly instead of passing through ZooKeeper's event thread first,
     * and a waiter woken by its watch lists again from its own thread, as Curator's recipes do. An exclusive lock's
     * create is made there too, without a callback ({@link #createHere}).
     */
    void start() {
        Thread starter = Thread.currentThread();
        ZooKeeper zk = usableHandle();
        CallerWaits.Block block = zk == null ? null : CallerWaits.block();
        Here h = block == null ? null : new Here(zk);
        boolean[] onCaller = new boolean[1];
        serial.execute(() -> {
            if (!begin()) {
                return;
            }
            if (h != null && Thread.currentThread() == starter) {
                here = h;
                onCaller[0] = true;
                issuedIn = zk.getSessionId();
                if (request.kind() != LockKind.EXCLUSIVE) {
                    createInBackground();
                }
            } else {
                createInBackground();
            }
        });
        if (block == null) {
            return;
        }
        boolean interrupted = false;
        try {
            if (onCaller[0]) {
                result.whenComplete((v, t) -> h.wake());
                h.first();
                h.run();
            }
        } catch (InterruptedException e) {
            interrupted = true; // the call's deadline, or the caller was interrupted: go on in the background
        } finally {
            if (onCaller[0]) {
                serial.execute(() -> hereEnded(h));
            }
            block.close();
        }
        if (interrupted && !block.deadlinePassed()) {
            Thread.currentThread().interrupt(); // not the deadline's: the core sees it while it waits
        }
    }

    /** @return the raw handle if the session is usable and connected (its session then is the tracker's), or null */
    private ZooKeeper usableHandle() {
        if (!session.tracker().state().isUsable()) {
            return null;
        }
        try {
            ZooKeeper zk = session.zooKeeper();
            return zk.getState().isConnected() && zk.getSessionId() == session.tracker().sessionId() ? zk : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Sends the listing right behind the create, on the same session: ZooKeeper serves a session's requests in
     * order, so it is taken after the create is applied and holds the new node, and both answers come in one round
     * trip. It is used only if it holds the attempt's own node (else, e.g. when the create had to make the directory
     * first and was sent again, the attempt lists anew).
     */
    private void listInBackground() {
        Async.run(serial, what, (cb, ex) -> curator.getChildren().inBackground(cb, ex).forPath(dir))
                .whenComplete((e, t) -> serial.execute(() -> pipelinedListed(
                        t == null && Async.code(e) == Code.OK ? new Listing(e.getChildren(), e.getStat()) : null)));
    }

    /**
     * The first step: the attempt's timer and cancellation; returns whether the attempt goes on (the caller or
     * {@link #createInBackground} then makes its node).
     */
    private boolean begin() {
        if (phase != Phase.NEW) {
            return false;
        }
        if (result.isDone()) {
            phase = Phase.DONE; // cancelled before it started
            finished.accept(this);
            return false;
        }
        result.whenComplete((v, t) -> {
            if (result.isCancelled()) {
                onExecutor(this::abandon);
            }
        });
        if (!request.maxWait().isZero()) {
            timer = session.schedule(() -> serial.execute(this::timedOut),
                    Math.max(1, request.maxWait().toMillis()), TimeUnit.MILLISECONDS);
        }
        phase = Phase.CREATING;
        return true;
    }

    /**
     * Creates the node through Curator, with its protection, in the background (making the directory if needed), and
     * lists the directory right behind it (from the caller's thread if it makes the attempt's requests), unless the
     * attempt is a semaphore's, which checks its permits first.
     */
    private void createInBackground() {
        if (phase != Phase.CREATING) {
            return;
        }
        long issuer = session.tracker().sessionId();
        issuedIn = issuer;
        Async.run(serial, what, (cb, ex) -> curator.create().creatingParentContainersIfNeeded()
                        .withProtection().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).inBackground(cb, ex)
                        .forPath(dir + "/" + label + Paths.MARK, new byte[0]))
                .whenComplete((e, t) -> serial.execute(() -> created(e, t, issuer)));
        if (request.kind() == LockKind.SEMAPHORE) {
            return;
        }
        if (here != null) {
            here.listPipelined();
        } else {
            listInBackground();
        }
    }

    /** @param state the session's new state */
    void sessionChanged(SessionState state) {
        onExecutor(() -> { // not on the session tracker's thread, which holds its locks
            switch (state) {
                case LOST -> failNow(new SessionLostException(what + " failed: the session was lost"));
                case CLOSED -> failNow(new CoordinationException(what + " failed: the session was closed"));
                case RECONNECTED -> {
                    recover();
                    if (phase == Phase.CREATING && permitsAgain >= 0) {
                        checkPermitsAgain();
                    } else {
                        list();
                    }
                }
                default -> {
                }
            }
        });
    }

    /**
     * The create made by {@link #createHere} (with the given protected prefix), learned from the listing sent right
     * behind it: ZooKeeper serves a session's requests in order, so a listing that succeeded was taken after the
     * create was applied, and holds the node if and only if the create made it.
     */
    private void createdHere(String prefix, Listing listing) {
        String own = listing.ok() ? find(listing.children(), prefix) : null;
        if (!listing.ok() && listing.code() != Code.NONODE) {
            // cut off (or the deadline passed): the create may have made the node; find out and adopt or delete it
            unknownCreate = prefix;
            if (phase != Phase.DONE && !Errors.isUnavailable(listing.error())) {
                failNow(listing.error());
            }
            recover();
            return;
        }
        settle(own, listing);
    }

    /**
     * Acts on what a listing taken after the attempt's create showed of it: the node it made, adopted as the own
     * node (its owner is the session that issued the create) and decided on, or deleted if the attempt ended while
     * the create was in flight; if it made none (no directory yet, or refused), the node is created through
     * Curator, which makes the directory or says why.
     *
     * @param own     the create's node in the listing, or null
     * @param listing the listing
     */
    private void settle(String own, Listing listing) {
        if (phase == Phase.DONE) {
            if (own != null) {
                ownPath = dir + "/" + own;
                deleteOwnNode();
            }
            return;
        }
        if (own == null) {
            createInBackground();
            return;
        }
        ownName = own;
        ownPath = dir + "/" + own;
        owner = issuedIn;
        phase = Phase.WAITING;
        decide(listing);
    }

    /** @return the member made with the given protected prefix, or null */
    private static String find(List<String> children, String prefix) {
        for (String child : children) {
            if (child.startsWith(prefix)) {
                return child;
            }
        }
        return null;
    }

    /**
     * Finds out what a create whose outcome is unknown did, as Curator's protection does: lists the directory once the
     * session is usable and looks for the create's protected prefix. A node found is adopted (or deleted, if the
     * attempt ended meanwhile); if none is, the attempt creates its node through Curator. A listing cut off is made
     * again {@link #RETRY_MS} later, or on RECONNECTED if that comes first, until the session is lost or closed
     * (a lost session's node is gone with it: the next session's listing finds none).
     *
     * <p>A create still on its way to the leader when this listing is served (the client moved to another server)
     * can make its node afterwards; Curator's protection has the same window. Such a node is this session's, and is
     * deleted when the session ends.
     */
    private void recover() {
        String prefix = unknownCreate;
        if (prefix == null || recovering) {
            return;
        }
        recovering = true;
        Async.run(serial, what, (cb, ex) -> curator.getChildren().inBackground(cb, ex).forPath(dir))
                .whenComplete((e, t) -> serial.execute(() -> {
                    recovering = false;
                    recovered(prefix, e, t);
                }));
    }

    private void recovered(String prefix, CuratorEvent e, Throwable t) {
        if (!prefix.equals(unknownCreate)) {
            return;
        }
        Code code = t != null ? null : Async.code(e);
        if (code != Code.OK && code != Code.NONODE) {
            RuntimeException error = t != null ? Errors.of(t, what) : Errors.of(e, what);
            if (Errors.isUnavailable(error)) {
                // again after a pause (while disconnected, Curator holds the listing for up to its connection
                // timeout first), or on RECONNECTED if sooner: an attempt that ended no longer hears of that
                session.schedule(() -> serial.execute(this::recover), RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            unknownCreate = null;
            failNow(error); // a node made stays until the session ends
            return;
        }
        unknownCreate = null;
        if (phase != Phase.DONE && session.tracker().isFormerSession(issuedIn)) {
            // an ephemeral node of a lost session is gone with it (the loss fails the attempt, if not done yet)
            failNow(new SessionLostException(what + " failed: the session 0x" + Long.toHexString(issuedIn)
                    + " was lost before its node was known"));
            return;
        }
        settle(code == Code.OK ? find(e.getChildren(), prefix) : null,
                code == Code.OK ? new Listing(e.getChildren(), e.getStat()) : null);
    }

    private void created(CuratorEvent e, Throwable t, long issuer) {
        if (t != null || Async.code(e) != Code.OK) {
            if (phase != Phase.DONE) {
                failNow(t != null ? Errors.of(t, what) : Errors.of(e, what));
            }
            return;
        }
        ownPath = e.getName();
        ownName = ownPath.substring(ownPath.lastIndexOf('/') + 1);
        if (phase == Phase.DONE) {
            deleteOwnNode(); // timed out, cancelled or failed while the create was in flight
            return;
        }
        Stat stat = e.getStat(); // Curator passes the stat of every background create
        if (stat == null) {
            failNow(new CoordinationException(what + " failed: no stat for its node " + ownPath
                    + "; it was deleted again"));
            return;
        }
        if (stat.getEphemeralOwner() != issuer || session.tracker().isFormerSession(issuer)) {
            // Curator held the create while disconnected and sent it in the next session: not ours to hold
            failNow(new SessionLostException(what + " failed: the session 0x" + Long.toHexString(issuer)
                    + " was lost before the node was made (by session 0x"
                    + Long.toHexString(stat.getEphemeralOwner()) + "); it was deleted again"));
            return;
        }
        czxid = stat.getCzxid();
        owner = stat.getEphemeralOwner();
        if (request.kind() == LockKind.SEMAPHORE) {
            checkPermits(0);
        } else {
            phase = Phase.WAITING;
            if (pipelinedArrived) {
                usePipelined(pipelined);
            } else {
                awaitingPipelined = true;
            }
        }
    }

    /** The answer to the listing sent behind the create, or {@code null} if it failed. */
    private void pipelinedListed(Listing listing) {
        if (awaitingPipelined) {
            awaitingPipelined = false;
            usePipelined(listing);
        } else if (phase == Phase.CREATING || phase == Phase.NEW) {
            pipelinedArrived = true; // before the create's answer: kept for created()
            pipelined = listing;
        }
    }

    /** Decides on the pipelined listing if it holds the own node; lists anew otherwise. */
    private void usePipelined(Listing listing) {
        pipelined = null;
        pipelinedArrived = false;
        if (phase != Phase.WAITING) {
            return;
        }
        if (listing != null && listing.ok() && listing.children().contains(ownName)) {
            decide(listing);
        } else {
            list();
        }
    }

    /**
     * A semaphore's directory holds its permits as decimal text. Read only once the attempt's own node exists:
     * while it does, the directory (a container) cannot be removed, so the permits cannot change under us. An
     * empty directory (made as the parent of the first lease) is claimed with a conditional write; a different
     * number fails the attempt.
     */
    private void checkPermits(int round) {
        String expected = Integer.toString(request.permits());
        Async.run(serial, what, (cb, ex) -> curator.getData().inBackground(cb, ex).forPath(dir))
                .whenComplete((e, t) -> serial.execute(() -> {
            if (phase != Phase.CREATING) {
                return;
            }
            if (t != null || Async.code(e) != Code.OK) {
                permitsFailed(t != null ? Errors.of(t, what) : Errors.of(e, what), round);
                return;
            }
            byte[] data = e.getData();
            if (data == null || data.length == 0) {
                if (round > 0) {
                    // nobody writes empty permits: a conditional write lost to another claim, twice
                    failNow(new CoordinationException(what + " failed: its permits keep changing"));
                    return;
                }
                claimPermits(expected, e.getStat().getVersion());
                return;
            }
            String found = new String(data, StandardCharsets.UTF_8);
            if (!found.equals(expected)) {
                failNow(new CoordinationException("semaphore '" + request.name() + "' is in use with "
                        + found + " permits; cannot use it with " + request.permits()));
                return;
            }
            phase = Phase.WAITING;
            list();
        }));
    }

    private void claimPermits(String permits, int version) {
        Async.run(serial, what, (cb, ex) -> curator.setData().withVersion(version).inBackground(cb, ex)
                        .forPath(dir, permits.getBytes(StandardCharsets.UTF_8)))
                .whenComplete((e, t) -> serial.execute(() -> {
                    if (phase != Phase.CREATING) {
                        return;
                    }
                    if (t == null && Async.code(e) == Code.OK) {
                        phase = Phase.WAITING;
                        list();
                    } else if (t == null && Async.code(e) == Code.BADVERSION) {
                        checkPermits(1); // claimed by someone else meanwhile: compare with theirs
                    } else {
                        // written or not: the check reads the permits again (and claims them if still empty)
                        permitsFailed(t != null ? Errors.of(t, what) : Errors.of(e, what), 0);
                    }
                }));
    }

    /**
     * A permits check or claim failed. A connection problem does not fail the attempt, as it does not fail the
     * listing of a waiting one: the own node lives as long as the session, so the directory (a container) cannot
     * be removed meanwhile and reading its permits again is safe; the check is done again on RECONNECTED (a lost
     * session fails the attempt, a timeout or cancellation ends it as in any phase).
     *
     * <p>If the session is usable already, the RECONNECTED may have reached this attempt before the failure did
     * (or the failure came without a connection drop), and none may follow: the check is then also done again
     * after {@link #RETRY_MS}, a delay so that a server that keeps failing is not asked in a loop.
     * Whichever comes first does it, the other finds nothing owed.
     *
     * @param error the failure
     * @param round the round of the check to do again
     */
    private void permitsFailed(RuntimeException error, int round) {
        if (!Errors.isUnavailable(error)) {
            failNow(error);
            return;
        }
        permitsAgain = round;
        if (session.tracker().state().isUsable()) {
            LOG.debug("{}: checking the permits failed ({}); checking again in {} ms", what, error.getMessage(),
                    RETRY_MS);
            session.schedule(() -> serial.execute(this::checkPermitsAgain), RETRY_MS, TimeUnit.MILLISECONDS);
        } else {
            LOG.debug("{}: checking the permits failed ({}); checking again on reconnect", what, error.getMessage());
        }
    }

    /** Does the permits check owed by a failed one, if it is still owed. */
    private void checkPermitsAgain() {
        if (phase == Phase.CREATING && permitsAgain >= 0) {
            int round = permitsAgain;
            permitsAgain = -1;
            checkPermits(round);
        }
    }

    private void list() {
        if (phase != Phase.WAITING) {
            return;
        }
        if (here != null) {
            here.list();
            return;
        }
        if (listing) {
            listAgain = true;
            return;
        }
        listing = true;
        Async.run(serial, what, (cb, ex) -> curator.getChildren().inBackground(cb, ex).forPath(dir))
                .whenComplete((e, t) -> serial.execute(() -> {
            listing = false;
            listed(t != null ? Listing.failed(null, Errors.of(t, what))
                    : Async.code(e) != Code.OK ? Listing.failed(Async.code(e), Errors.of(e, what))
                    : new Listing(e.getChildren(), e.getStat()));
            if (listAgain) {
                listAgain = false;
                list();
            }
        }));
    }

    private void listed(Listing listing) {
        if (phase != Phase.WAITING) {
            return;
        }
        if (!listing.ok()) {
            if (Errors.isUnavailable(listing.error())) {
                LOG.debug("{}: listing failed ({}); listing again on reconnect", what, listing.error().getMessage());
            } else {
                failNow(listing.error());
            }
            return;
        }
        decide(listing);
    }

    /** Decides on a listing of the directory (taken after the own node was made). */
    private void decide(Listing listing) {
        List<Member> members = members(listing.children());
        int own = -1;
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().equals(ownName)) {
                own = i;
                break;
            }
        }
        if (own < 0) {
            failNow(new CoordinationException(what + " failed: its node " + ownPath
                    + " disappeared (session expired or node deleted by another client)"));
            return;
        }
        List<Member> blockers = blockers(members, own);
        if (blockers.isEmpty()) {
            acquired(listing.stat().getPzxid());
        } else if (request.maxWait().isZero()) {
            giveUp();
        } else {
            // an exclusive lock's waiter right behind the holder holds the lock as soon as the holder's node is gone
            watch(blockers, request.kind() == LockKind.EXCLUSIVE && own == 1);
        }
    }

    private List<Member> blockers(List<Member> members, int own) {
        return switch (request.kind()) {
            case EXCLUSIVE, WRITE -> own == 0 ? List.of() : List.of(members.get(own - 1));
            case READ -> {
                for (int i = own - 1; i >= 0; i--) {
                    if (members.get(i).kind().equals("write")) {
                        yield List.of(members.get(i));
                    }
                }
                yield List.of();
            }
            case SEMAPHORE -> own < request.permits() ? List.of()
                    : List.copyOf(members.subList(own - request.permits(), own));
        };
    }

    /**
     * Watches the blockers; a watch that fires makes the attempt list again. Except for an exclusive lock's waiter
     * whose one blocker was the first member of its listing (the holder): no member can come before the waiter once
     * that node is deleted (later nodes get greater sequence numbers), so the deletion's notification grants the lease
     * without another listing, with the deletion's zxid as its token (the notification carries it from ZooKeeper 3.9;
     * without it, the attempt lists again).
     *
     * @param behindHolder whether the one blocker is the holder of an exclusive lock
     */
    private void watch(List<Member> blockers, boolean behindHolder) {
        removeWatches();
        for (Member m : blockers) {
            String path = dir + "/" + m.name();
            AtomicBoolean fired = new AtomicBoolean();
            AtomicBoolean removed = new AtomicBoolean();
            Watcher w = event -> {
                if (event.getType() == Watcher.Event.EventType.None) {
                    return;
                }
                fired.set(true);
                long zxid = event.getZxid();
                if (behindHolder && event.getType() == Watcher.Event.EventType.NodeDeleted && zxid > 0) {
                    serial.execute(() -> holderGone(removed, zxid));
                } else {
                    serial.execute(this::list);
                }
            };
            Watch watch = new Watch(path, w, fired, removed, here == null ? null : here.zk);
            watches.add(watch);
            if (here != null) {
                here.watch(watch);
            } else {
                watchInBackground(watch);
            }
        }
    }

    /**
     * The holder's node, right before this exclusive attempt's, was deleted at {@code zxid}: held, if the watch is
     * still this attempt's current one (a listing since may have replaced it).
     */
    private void holderGone(AtomicBoolean removed, long zxid) {
        if (phase == Phase.WAITING && !removed.get()) {
            acquired(zxid);
        }
    }

    private void watchInBackground(Watch watch) {
        Async.run(serial, what, (cb, ex) -> curator.checkExists().usingWatcher(watch.watcher())
                        .inBackground(cb, ex).forPath(watch.path()))
                .whenComplete((e, t) -> serial.execute(() -> {
                    if (t != null || (Async.code(e) != Code.OK && Async.code(e) != Code.NONODE)) {
                        watchFailed(t != null ? Errors.of(t, what) : Errors.of(e, what));
                    } else if (Async.code(e) == Code.NONODE) {
                        list(); // gone before the watch was set
                    }
                }));
    }

    /** A watch could not be set: a connection problem is made good by the listing on RECONNECTED. */
    private void watchFailed(RuntimeException error) {
        if (!Errors.isUnavailable(error)) {
            failNow(error);
        }
    }

    /**
     * Grants the lease. Its fencing token: for a lock's read or write side or a semaphore permit, the own node's czxid
     * (LCK-4: a later node has a greater one; writers hold in node order). For an exclusive lock, the zxid of the
     * change that ended the wait: the pzxid of the listing that granted it (the last change to the lock's members
     * before that listing), or the zxid of the holder's deletion that granted it ({@link #watch}). Either is at least
     * the zxid of the previous holder's deletion, which came after that holder's own grant, so each holder's token
     * exceeds every earlier holder's; and an acquisition that began after another completed made its node after
     * that one was granted, so its token is greater too. No two holders share one. The grant then needs no answer
     * but the listing's, so the create can be made without one ({@link #createHere}).
     *
     * @param exclusiveToken the token if the lock is exclusive
     */
    private void acquired(long exclusiveToken) {
        phase = Phase.HELD;
        cancelTimer();
        removeWatches();
        finished.accept(this);
        long token = request.kind() == LockKind.EXCLUSIVE ? exclusiveToken : czxid;
        // The lease's watch on its own node is set a while after the grant (ZkLease.WATCH_AFTER), so a lease held
        // for less never pays for it
        ZkLease lease = new ZkLease(session, describe(request), ownPath, token, owner, onLost);
        lease.armLater();
        if (result.complete(Optional.of(lease))) {
            lease.watch();
        } else {
            lease.release(); // the caller gave up meanwhile (SPI-8)
        }
    }

    private void giveUp() {
        stop().whenComplete((v, t) -> result.complete(Optional.empty()));
    }

    private void timedOut() {
        if (phase == Phase.HELD || phase == Phase.DONE) {
            return;
        }
        // a create still in flight is deleted when it completes
        stop().whenComplete((v, t) -> result.complete(Optional.empty()));
    }

    private void abandon() {
        if (phase != Phase.HELD && phase != Phase.DONE) {
            stop();
        }
    }

    private void failNow(RuntimeException error) {
        if (phase == Phase.HELD || phase == Phase.DONE) {
            return;
        }
        stop();
        result.completeExceptionally(error);
    }

    /**
     * Ends the attempt and deletes its node if it was made; a create still in flight is deleted when it
     * completes ({@link #created}).
     *
     * @return completes once the node is deleted (or its delete failed and goes on in the background)
     */
    private CompletableFuture<Void> stop() {
        end();
        return ownPath != null ? deleteOwnNode() : CompletableFuture.completedFuture(null);
    }

    private void end() {
        phase = Phase.DONE;
        cancelTimer();
        removeWatches();
        finished.accept(this);
    }

    private CompletableFuture<Void> deleteOwnNode() {
        String path = ownPath;
        return Async.run(Runnable::run, "delete of " + path, (cb, ex) -> curator.delete().guaranteed()
                        .inBackground(cb, ex).forPath(path))
                .handle((e, t) -> {
                    if (t != null || (Async.code(e) != Code.OK && Async.code(e) != Code.NONODE)) {
                        LOG.debug("{}: deleting {} failed now ({}); Curator keeps trying in the background",
                                what, path, t != null ? t.toString() : Async.code(e));
                    }
                    return null;
                });
    }

    private void onExecutor(Runnable step) {
        try {
            session.executor().execute(() -> serial.execute(step));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("{}: session closed before a step could run", what);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /**
     * Removes the watches that have not fired. A fired watch is gone from the server already; removing it would
     * cost a request per hand-off for nothing (ZooKeeper's client asks the server to check every removal).
     */
    private void removeWatches() {
        for (Watch w : watches) {
            if (w.removed().getAndSet(true) || w.fired().get()) {
                continue; // a watch the caller's thread has not set yet is never set now
            }
            try {
                if (w.zk() != null) {
                    w.zk().removeWatches(w.path(), w.watcher(), Watcher.WatcherType.Any, true,
                            (rc, path, ctx) -> { }, null);
                    continue;
                }
                curator.watchers().remove(w.watcher()).ofType(Watcher.WatcherType.Any).locally()
                        .inBackground((c, e) -> { }, session.executor()).forPath(w.path());
            } catch (Exception e) {
                LOG.debug("could not remove the watch on {}: {}", w.path(), e.toString());
            }
        }
        watches.clear();
    }

    /** The caller's thread stops making the attempt's requests: what it was still asked to do goes through Curator. */
    private void hereEnded(Here h) {
        if (here != h) {
            return;
        }
        here = null;
        boolean list;
        boolean pipelinedList;
        List<Watch> toSet;
        synchronized (h) {
            list = h.listWanted;
            pipelinedList = h.pipelinedWanted;
            toSet = h.watchesWanted;
            h.listWanted = false;
            h.pipelinedWanted = false;
            h.watchesWanted = new ArrayList<>();
        }
        if (pipelinedList) {
            listInBackground();
        }
        if (phase != Phase.WAITING) {
            return;
        }
        for (Watch w : toSet) {
            if (!w.removed().get()) {
                // now set through Curator: removed through Curator too (removeWatches)
                Watch viaCurator = new Watch(w.path(), w.watcher(), w.fired(), w.removed(), null);
                watches.replaceAll(x -> x == w ? viaCurator : x);
                watchInBackground(viaCurator);
            }
        }
        if (list) {
            list();
        }
    }

    /**
     * The thread of a caller who waits for the attempt ({@link CallerWaits}) makes its requests with ZooKeeper's
     * synchronous calls, on the raw handle of the session it started in: the steps (run one at a time on
     * {@code serial}, wherever their cause arrives) ask for a listing or a watch, the caller's thread makes it, and
     * hands the answer back to a step. It stops when the attempt has its result, or when the call's deadline
     * interrupts it; what it was still asked to do then goes through Curator ({@link #hereEnded}). A watch event
     * still arrives on ZooKeeper's event thread, which only asks for the listing (or grants the lease, see
     * {@link #watch}).
     */
    private final class Here {
        final ZooKeeper zk;
        // guarded by this
        private boolean listWanted;
        private boolean pipelinedWanted;
        private List<Watch> watchesWanted = new ArrayList<>();

        Here(ZooKeeper zk) {
            this.zk = zk;
        }

        synchronized void list() {
            listWanted = true;
            notifyAll();
        }

        synchronized void listPipelined() {
            pipelinedWanted = true;
            notifyAll();
        }

        synchronized void watch(Watch w) {
            watchesWanted.add(w);
            notifyAll();
        }

        synchronized void wake() {
            notifyAll();
        }

        /** An exclusive lock's create and the listing behind it ({@link #createHere}); nothing for the others. */
        void first() throws InterruptedException {
            if (request.kind() == LockKind.EXCLUSIVE) {
                createHere();
            }
        }

        /**
         * Makes an exclusive lock's node with a create that has no callback, and lists the directory right behind it.
         * The create's answer is not needed: the listing shows whether it made the node (found by its protected
         * prefix, as Curator's protection finds a node), and the lease's token comes from the listing
         * ({@link #acquired}). Without a callback, ZooKeeper's client hands the create's answer to no thread, so
         * an uncontended acquisition wakes no thread but the caller's, as a synchronous create would.
         */
        private void createHere() throws InterruptedException {
            String prefix = PROTECTED + UUID.randomUUID() + "-";
            String path = dir + "/" + prefix + label + Paths.MARK;
            try {
                zk.create(path, new byte[0], session.acl(path), CreateMode.EPHEMERAL_SEQUENTIAL,
                        (AsyncCallback.StringCallback) null, null);
            } catch (RuntimeException e) {
                LOG.debug("{}: create not sent ({}); creating through Curator", what, e.toString());
                serial.execute(LockAttempt.this::createInBackground);
                return;
            }
            Listing listing;
            try {
                listing = listing();
            } catch (InterruptedException e) {
                serial.execute(() -> createdHere(prefix, Listing.failed(null, new BackendUnavailableException(
                        what + ": its listing was cut off by the call's deadline"))));
                throw e;
            }
            serial.execute(() -> createdHere(prefix, listing));
        }

        /** Makes what the steps ask for until the attempt has its result. */
        void run() throws InterruptedException {
            while (true) {
                boolean list;
                boolean pipelinedList;
                List<Watch> toSet;
                synchronized (this) {
                    while (!listWanted && !pipelinedWanted && watchesWanted.isEmpty() && !result.isDone()) {
                        wait();
                    }
                    if (result.isDone()) {
                        return;
                    }
                    list = listWanted;
                    pipelinedList = pipelinedWanted;
                    toSet = watchesWanted;
                    listWanted = false;
                    pipelinedWanted = false;
                    watchesWanted = new ArrayList<>();
                }
                if (pipelinedList) {
                    Listing l = listingOrAgain(() -> pipelinedWanted = true);
                    serial.execute(() -> pipelinedListed(l));
                }
                for (int i = 0; i < toSet.size(); i++) {
                    Watch w = toSet.get(i);
                    if (w.removed().get()) {
                        continue;
                    }
                    try {
                        if (zk.exists(w.path(), w.watcher()) == null) {
                            serial.execute(LockAttempt.this::list); // gone before the watch was set
                        }
                    } catch (KeeperException e) {
                        serial.execute(() -> watchFailed(Errors.of(e, what)));
                    } catch (InterruptedException e) {
                        synchronized (this) {
                            watchesWanted.addAll(toSet.subList(i, toSet.size())); // set by hereEnded
                        }
                        throw e;
                    }
                }
                if (list) {
                    Listing l = listingOrAgain(() -> listWanted = true);
                    serial.execute(() -> listed(l));
                }
            }
        }

        /** @param again asks for the listing again (under this lock) if the deadline cut it off */
        private Listing listingOrAgain(Runnable again) throws InterruptedException {
            try {
                return listing();
            } catch (InterruptedException e) {
                synchronized (this) {
                    again.run();
                }
                throw e;
            }
        }

        private Listing listing() throws InterruptedException {
            try {
                Stat stat = new Stat();
                return new Listing(zk.getChildren(dir, false, stat), stat);
            } catch (KeeperException e) {
                return Listing.failed(e.code(), Errors.of(e, what));
            }
        }
    }

    private static List<Member> members(List<String> children) {
        List<Member> members = new ArrayList<>();
        for (String child : children) {
            Matcher m = MEMBER.matcher(child);
            if (m.matches()) {
                members.add(new Member(child, m.group(1), Long.parseLong(m.group(2))));
            }
        }
        members.sort(Comparator.comparingLong(Member::sequence));
        return members;
    }

    /**
     * @param kind a lock kind
     * @return the label of its member nodes
     */
    static String label(LockKind kind) {
        return switch (kind) {
            case EXCLUSIVE -> "lock";
            case READ -> "read";
            case WRITE -> "write";
            case SEMAPHORE -> "permit";
        };
    }
}
