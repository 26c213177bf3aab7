package io.coordkit.zookeeper;

import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendLease;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A held lease: its ephemeral node and fencing token (the node's czxid). An exists-watch on the node tells
 * when the node disappears while the session lives (deleted by another client or an operator): then
 * {@code onLost} runs once, also when the node went with the session (the core's transition is idempotent).
 */
final class ZkLease implements BackendLease {

    private static final Logger LOG = LoggerFactory.getLogger(ZkLease.class);

    private final ZkSession session;
    private final CuratorFramework curator;
    private final String what;
    private final String path;
    private final long token;
    private final Runnable onLost;
    /** The session that owns the node (its ephemeral owner), not necessarily the current one. */
    private final long sessionId;
    private final AtomicBoolean ended = new AtomicBoolean();
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

    @Override
    public String toString() {
        return "ZkLease[" + what + ", " + path + ", token " + token + "]";
    }

    /**
     * Sends the watch on the node before the lease is granted (while the attempt still decides), so that its
     * answer does not delay a release right after the grant. A disappearance seen before {@link #watch()} is
     * remembered and reported there; if the lease is never granted, nothing is reported.
     */
    void preArm() {
        arm();
    }

    /** Starts watching the node (its watch was sent by {@link #preArm()}). */
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
        }
    }
}
