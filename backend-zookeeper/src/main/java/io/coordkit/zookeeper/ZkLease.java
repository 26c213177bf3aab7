package io.coordkit.zookeeper;

import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.CallerWaits;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A held lease: its ephemeral node and fencing token (the node's czxid). An exists-watch on the node tells
 * when the node disappears while the session lives (deleted by another client or an operator): then
 * {@code onLost} runs once, also when the node went with the session (the core's transition is idempotent).
 *
 * <p>The watch is set {@link #WATCH_AFTER} after the node was made, not at once: most leases are held for less,
 * and a lease released before then costs no watch request and no notification when its delete fires the watch
 * (the herd of a contended lock stays at one notification per hand-off, the successor's). A node deleted by hand
 * in between is seen when the watch is set (its exists answers NONODE), so such a deletion is reported at most
 * {@code WATCH_AFTER} plus a round trip late. Nothing in SPEC.md depends on it: the engine keeps mutual exclusion
 * itself, and a session's loss is reported by the session.
 */
final class ZkLease implements BackendLease {

    private static final Logger LOG = LoggerFactory.getLogger(ZkLease.class);
    /** How long after its node was made the lease starts watching it. */
    static final Duration WATCH_AFTER = Duration.ofSeconds(1);

    private final ZkSession session;
    private final CuratorFramework curator;
    private final String what;
    private final String path;
    private final long token;
    private final Runnable onLost;
    /** The session that owns the node (its ephemeral owner), not necessarily the current one. */
    private final long sessionId;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** The scheduled {@link #arm()}, cancelled when the lease ends. */
    private volatile ScheduledFuture<?> armTimer;
    private final Watcher watcher;
    private final SessionTracker.Listener stateListener = this::stateChanged;
    /** Guards the two fields below. */
    private final Object adoption = new Object();
    /** Whether the lease was granted ({@link #watch()}); before that, a disappearance is only remembered. */
    private boolean adopted;
    private boolean goneBeforeAdoption;
    /** Whether a watch request failed before the lease was granted (the session listener was not there yet). */
    private boolean failedBeforeAdoption;

    /**
     * @param session the session
     * @param what    the lock, for messages
     * @param path    the lease's node
     * @param token   its fencing token (the node's czxid)
     * @param owner   the node's ephemeral owner. Not the tracker's current session: if the session was lost and
     *                the next one connected before the lease is made, the lease belongs to the lost one and
     *                {@link #watch()} ends it, instead of watching the old node from the new session and
     *                reporting its disappearance as a deletion while the session lives
     * @param onLost  what to run once if the node disappears
     */
    ZkLease(ZkSession session, String what, String path, long token, long owner, Runnable onLost) {
        this.session = session;
        this.curator = session.curator();
        this.what = what;
        this.path = path;
        this.token = token;
        this.onLost = onLost;
        this.sessionId = owner;
        this.watcher = event -> {
            switch (event.getType()) {
                case NodeDeleted -> lost();
                case None -> {
                }
                default -> arm(); // one-shot watch used up by another change: set it again
            }
        };
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public CompletableFuture<Void> release() {
        end();
        String w = "release of " + what;
        try (CallerWaits.Block here = CallerWaits.block()) {
            // a caller who waits: the delete is made with the synchronous call, whose answer wakes it directly
            if (here != null && deletedHere()) {
                return CompletableFuture.completedFuture(null);
            }
        }
        // not deleted here (or it failed): the guaranteed delete below finishes it, or goes on in the background
        // The answer is only mapped and handed to the core, so it is taken on ZooKeeper's event thread (no hop to
        // the session executor before the caller is told)
        return Async.run(Runnable::run, w, (cb, ex) -> curator.delete().guaranteed().inBackground(cb, ex)
                        .forPath(path))
                .thenApply(e -> {
                    if (Async.code(e) != Code.OK && Async.code(e) != Code.NONODE) {
                        // the guaranteed delete goes on in the background (Curator retries until done or NONODE)
                        throw Errors.of(e, w);
                    }
                    return null;
                });
    }

    /** @return whether the node is gone, deleted with the synchronous call (false if that failed) */
    private boolean deletedHere() {
        try {
            session.zooKeeper().delete(path, -1);
            return true;
        } catch (KeeperException.NoNodeException e) {
            return true;
        } catch (InterruptedException e) {
            return false; // the core's deadline: the block clears the interrupt
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "ZkLease[" + what + ", " + path + ", token " + token + "]";
    }

    /**
     * Schedules the watch on the node, {@link #WATCH_AFTER} from now (when the node was made, before the lease is
     * granted). A disappearance seen before {@link #watch()} is remembered and reported there; if the lease is never
     * granted, nothing is reported.
     */
    void armLater() {
        armTimer = session.schedule(this::arm, WATCH_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts watching the node (its watch is set by {@link #armLater()}, or was already). */
    void watch() {
        session.tracker().addListener(stateListener);
        SessionTracker tracker = session.tracker();
        if (tracker.state() == SessionState.LOST || tracker.sessionId() != sessionId) {
            end(); // the session was lost before the listener was added: the core reports that loss
        }
        boolean gone;
        boolean failed;
        synchronized (adoption) {
            adopted = true;
            gone = goneBeforeAdoption;
            failed = failedBeforeAdoption;
        }
        if (ended.get()) {
            session.tracker().removeListener(stateListener); // released or lost before it was watched
        } else if (gone) {
            lost();
        } else if (failed) {
            arm(); // a RECONNECTED before this was not heard: set the watch now
        }
    }

    private void arm() {
        if (ended.get()) {
            return;
        }
        String w = "watch of " + what;
        // the answer is handled on ZooKeeper's event thread: it only hands a loss on to the session executor
        Async.run(Runnable::run, w, (cb, ex) -> curator.checkExists().usingWatcher(watcher)
                        .inBackground(cb, ex).forPath(path))
                .whenComplete((e, t) -> {
                    if (t == null && Async.code(e) == Code.NONODE) {
                        lost();
                    } else if (t != null || Async.code(e) != Code.OK) {
                        synchronized (adoption) {
                            failedBeforeAdoption |= !adopted;
                        }
                        LOG.debug("{}: could not watch {} ({}); trying again on reconnect", what, path,
                                t != null ? t.toString() : Async.code(e));
                    }
                });
    }

    private void stateChanged(SessionState state) {
        switch (state) {
            case RECONNECTED -> arm(); // the client restored the watch; this covers a watch that failed to set
            // the core reports losses through the session; CONNECTED is a new session (LOST was missed if
            // this listener was added after it)
            case LOST, CLOSED, CONNECTED -> end();
            default -> {
            }
        }
    }

    private void lost() {
        synchronized (adoption) {
            if (!adopted) {
                goneBeforeAdoption = true; // told in watch(), if the lease is granted
                return;
            }
        }
        boolean sessionGone = session.tracker().state() == SessionState.LOST
                || session.tracker().sessionId() != sessionId;
        if (ended.compareAndSet(false, true)) {
            session.tracker().removeListener(stateListener);
            cancelArm();
            if (!sessionGone) {
                LOG.warn("{}: its node {} was deleted while the session lives; the lease is lost", what, path);
            }
            // Told in both cases: the core may not have bound the lease to the session yet when it was lost,
            // and its transition to LOST is idempotent.
            try {
                session.executor().execute(onLost);
            } catch (RejectedExecutionException e) {
                LOG.debug("{}: session closed before onLost could run", what);
            }
        }
    }

    private void end() {
        if (ended.compareAndSet(false, true)) {
            session.tracker().removeListener(stateListener);
            cancelArm();
        }
    }

    private void cancelArm() {
        ScheduledFuture<?> t = armTimer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
