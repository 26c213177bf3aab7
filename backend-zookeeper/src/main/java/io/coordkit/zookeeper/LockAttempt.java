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
import org.apache.zookeeper.CreateMode;
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
 * <p>The recipe: create an ephemeral-sequential node {@code <kind>~NNNNNNNNNN} in the lock's directory (with
 * Curator's protection, so a node whose create was cut off by a connection drop is found and deleted by
 * Curator in the background), list the directory, order the members by sequence number, and decide:
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
 * triggers a new listing. Arrival order (sequence order) is service order: FAIR_LOCKS. The fencing token is the
 * czxid of the attempt's own node: zxids are global, strictly increasing, and kept by a new ZooKeeper leader, so
 * a lease acquired after another one was acquired always has the greater token (LCK-4, LCK-12).
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
    /** The delay before a permits check cut off while the session is usable is done again. */
    private static final long PERMITS_RETRY_MS = 200;

    private enum Phase { NEW, CREATING, WAITING, HELD, DONE }

    private record Member(String name, String kind, long sequence) {
    }

    /** A watch set on a blocker; {@code fired} once its event came (the server then holds it no more). */
    private record Watch(String path, Watcher watcher, AtomicBoolean fired) {
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
    private long token;
    /** The session that owns the own node (checked to be the one that issued the create). */
    private long owner;
    private ScheduledFuture<?> timer;
    /** The lease this attempt grants once held; made (and its watch sent) when the node is created. */
    private ZkLease lease;
    private boolean listing;
    private boolean listAgain;
    /**
     * The listing sent right behind the create (see {@link #start}): whether {@link #created} waits for it instead
     * of listing, and its answer if it came first.
     */
    private boolean awaitingPipelined;
    private List<String> pipelined;
    private boolean pipelinedArrived;
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
        // Steps run where their cause arrives: on ZooKeeper's event thread for answers and watch events (each step
        // only decides and sends the next background request, which never blocks: Curator sends it at once when
        // connected and queues it otherwise), on the caller's thread for the start, on the session executor for
        // everything else. No hop to another thread between an answer and the next request or the grant.
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
     * Creates the node and starts deciding. For a caller who waits for the result ({@link CallerWaits}), the listing
     * sent behind the create is made with ZooKeeper's synchronous call on the caller's thread, outside the attempt's
     * serial steps: its answer then wakes the caller directly rather than passing through ZooKeeper's event thread.
     */
    void start() {
        Thread starter = Thread.currentThread();
        boolean[] listHere = new boolean[1];
        serial.execute(() -> {
            if (!create() || request.kind() == LockKind.SEMAPHORE) {
                return;
            }
            if (Thread.currentThread() == starter) {
                listHere[0] = true; // this step ran on the caller's thread: list after it, on that thread
            } else {
                listInBackground();
            }
        });
        if (!listHere[0]) {
            return;
        }
        try (CallerWaits.Block here = CallerWaits.block()) {
            if (here != null) {
                List<String> children = listHere();
                serial.execute(() -> pipelinedListed(children));
                return;
            }
        }
        listInBackground();
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
                        t == null && Async.code(e) == Code.OK ? e.getChildren() : null)));
    }

    /** @return the directory's members, listed with the synchronous call; {@code null} if that failed */
    private List<String> listHere() {
        try {
            return session.zooKeeper().getChildren(dir, false);
        } catch (InterruptedException e) {
            return null; // the core's deadline (the block clears the interrupt): the core ends the attempt
        } catch (Exception e) {
            return null; // listed again once the create is answered, which reports a connection problem
        }
    }

    /** The first step: sends the create; returns whether it did. */
    private boolean create() {
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
        long issuedIn = session.tracker().sessionId();
        Async.run(serial, what, (cb, ex) -> curator.create().creatingParentContainersIfNeeded()
                        .withProtection().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).inBackground(cb, ex)
                        .forPath(dir + "/" + label + Paths.MARK, new byte[0]))
                .whenComplete((e, t) -> serial.execute(() -> created(e, t, issuedIn)));
        return true;
    }

    /** @param state the session's new state */
    void sessionChanged(SessionState state) {
        onExecutor(() -> { // not on the session tracker's thread, which holds its locks
            switch (state) {
                case LOST -> failNow(new SessionLostException(what + " failed: the session was lost"));
                case CLOSED -> failNow(new CoordinationException(what + " failed: the session was closed"));
                case RECONNECTED -> {
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

    private void created(CuratorEvent e, Throwable t, long issuedIn) {
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
        if (stat.getEphemeralOwner() != issuedIn || session.tracker().isFormerSession(issuedIn)) {
            // Curator held the create while disconnected and sent it in the next session: not ours to hold
            failNow(new SessionLostException(what + " failed: the session 0x" + Long.toHexString(issuedIn)
                    + " was lost before the node was made (by session 0x"
                    + Long.toHexString(stat.getEphemeralOwner()) + "); it was deleted again"));
            return;
        }
        token = stat.getCzxid();
        owner = stat.getEphemeralOwner();
        // The lease's watch on its own node is set a while after the node was made (ZkLease.WATCH_AFTER), so a
        // lease held for less never pays for it
        lease = new ZkLease(session, describe(request), ownPath, token, owner, onLost);
        lease.armLater();
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

    /** The answer to the listing sent behind the create: the members, or {@code null} if it failed. */
    private void pipelinedListed(List<String> children) {
        if (awaitingPipelined) {
            awaitingPipelined = false;
            usePipelined(children);
        } else if (phase == Phase.CREATING || phase == Phase.NEW) {
            pipelinedArrived = true; // before the create's answer: kept for created()
            pipelined = children;
        }
    }

    /** Decides on the pipelined listing if it holds the own node; lists anew otherwise. */
    private void usePipelined(List<String> children) {
        pipelined = null;
        if (phase != Phase.WAITING) {
            return;
        }
        if (children != null && children.contains(ownName)) {
            decide(children);
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
     * after {@link #PERMITS_RETRY_MS}, a delay so that a server that keeps failing is not asked in a loop.
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
                    PERMITS_RETRY_MS);
            session.schedule(() -> serial.execute(this::checkPermitsAgain), PERMITS_RETRY_MS, TimeUnit.MILLISECONDS);
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
        if (listing) {
            listAgain = true;
            return;
        }
        listing = true;
        Async.run(serial, what, (cb, ex) -> curator.getChildren().inBackground(cb, ex).forPath(dir))
                .whenComplete((e, t) -> serial.execute(() -> {
            listing = false;
            listed(e, t);
            if (listAgain) {
                listAgain = false;
                list();
            }
        }));
    }

    private void listed(CuratorEvent e, Throwable t) {
        if (phase != Phase.WAITING) {
            return;
        }
        if (t != null || Async.code(e) != Code.OK) {
            RuntimeException error = t != null ? Errors.of(t, what) : Errors.of(e, what);
            if (Errors.isUnavailable(error)) {
                LOG.debug("{}: listing failed ({}); listing again on reconnect", what, error.getMessage());
            } else {
                failNow(error);
            }
            return;
        }
        decide(e.getChildren());
    }

    /** Decides on a listing of the directory (taken after the own node was made). */
    private void decide(List<String> children) {
        List<Member> members = members(children);
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
            acquired();
        } else if (request.maxWait().isZero()) {
            giveUp();
        } else {
            watch(blockers);
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

    private void watch(List<Member> blockers) {
        removeWatches();
        for (Member m : blockers) {
            String path = dir + "/" + m.name();
            AtomicBoolean fired = new AtomicBoolean();
            Watcher w = event -> {
                if (event.getType() != Watcher.Event.EventType.None) {
                    fired.set(true);
                    serial.execute(this::list);
                }
            };
            watches.add(new Watch(path, w, fired));
            Async.run(serial, what, (cb, ex) -> curator.checkExists().usingWatcher(w)
                            .inBackground(cb, ex).forPath(path))
                    .whenComplete((e, t) -> serial.execute(() -> {
                        if (t != null || (Async.code(e) != Code.OK && Async.code(e) != Code.NONODE)) {
                            RuntimeException error = t != null ? Errors.of(t, what) : Errors.of(e, what);
                            if (!Errors.isUnavailable(error)) {
                                failNow(error);
                            }
                        } else if (Async.code(e) == Code.NONODE) {
                            list(); // gone before the watch was set
                        }
                    }));
        }
    }

    private void acquired() {
        phase = Phase.HELD;
        cancelTimer();
        removeWatches();
        finished.accept(this);
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
            if (w.fired().get()) {
                continue;
            }
            try {
                curator.watchers().remove(w.watcher()).ofType(Watcher.WatcherType.Any).locally()
                        .inBackground((c, e) -> { }, session.executor()).forPath(w.path());
            } catch (Exception e) {
                LOG.debug("could not remove the watch on {}: {}", w.path(), e.toString());
            }
        }
        watches.clear();
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
