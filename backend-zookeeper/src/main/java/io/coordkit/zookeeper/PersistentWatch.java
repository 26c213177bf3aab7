package io.coordkit.zookeeper;

import io.coordkit.Subscription;
import io.coordkit.session.SessionState;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A ZooKeeper persistent watch that outlives disconnects and sessions: added again after every
 * {@code RECONNECTED} (harmless: the client has re-registered it already) and on every new session (whose new
 * ZooKeeper handle knows nothing of it). After each successful add, {@code onInstalled} runs, so the owner can
 * read the current state again: events during a disconnect are lost, and the owner must resynchronise.
 *
 * <p>The watch is added on the raw ZooKeeper handle, not through Curator's builders (why: the module's
 * README, "Recipes: Curator's and our own").
 */
final class PersistentWatch implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(PersistentWatch.class);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final ZkSession session;
    private final String path;
    private final AddWatchMode mode;
    private final Runnable onInstalled;
    private final Watcher watcher;
    private final SessionTracker.Listener stateListener = this::stateChanged;
    private volatile boolean closed;
    private long backoffMs = 100;

    /**
     * @param session     the session
     * @param path        the watched node (it need not exist)
     * @param mode        persistent or persistent-recursive
     * @param onEvent     node events (never connection events); called on ZooKeeper's event thread in the
     *                    order of the changes, so it must only hand them on
     * @param onInstalled called on the session executor after each successful add
     */
    PersistentWatch(ZkSession session, String path, AddWatchMode mode, Consumer<WatchedEvent> onEvent,
                    Runnable onInstalled) {
        this.session = session;
        this.path = path;
        this.mode = mode;
        this.onInstalled = onInstalled;
        this.watcher = event -> {
            if (!closed && event.getType() != Watcher.Event.EventType.None) {
                onEvent.accept(event);
            }
        };
    }

    /** Adds the watch and keeps it. */
    void start() {
        session.tracker().addListener(stateListener);
        install();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        session.tracker().removeListener(stateListener);
        remove();
    }

    private void remove() {
        try {
            session.zooKeeper().removeWatches(path, watcher, Watcher.WatcherType.Any, true,
                    (rc, p, ctx) -> { }, null);
        } catch (Exception e) {
            LOG.debug("could not remove the watch on {}: {}", path, e.toString());
        }
    }

    private void stateChanged(SessionState state) {
        if (state == SessionState.RECONNECTED || state == SessionState.CONNECTED) {
            synchronized (this) {
                backoffMs = 100;
            }
            install();
        }
    }

    private void install() {
        if (closed) {
            return;
        }
        ZooKeeper zk;
        try {
            zk = session.zooKeeper();
        } catch (Exception e) {
            retryLater(e.toString());
            return;
        }
        try {
            zk.addWatch(path, watcher, mode, (rc, p, ctx) -> {
                KeeperException.Code code = KeeperException.Code.get(rc);
                if (closed) {
                    if (code == KeeperException.Code.OK) {
                        // closed after install() checked: close()'s remove may have gone out before this add
                        remove();
                    }
                    return;
                }
                if (code == KeeperException.Code.OK) {
                    synchronized (this) {
                        backoffMs = 100;
                    }
                    session.executor().execute(onInstalled);
                } else if (code == KeeperException.Code.SESSIONEXPIRED || Errors.isConnectionProblem(code)) {
                    // the next CONNECTED or RECONNECTED adds it again
                    LOG.debug("adding the watch on {} failed ({}); waiting for the connection", path, code);
                    if (session.tracker().state().isUsable()) {
                        retryLater(code.toString());
                    }
                } else {
                    retryLater(code.toString());
                }
            }, null);
        } catch (RuntimeException e) {
            retryLater(e.toString());
        }
    }

    private void retryLater(String why) {
        if (closed || session.isClosed()) {
            return;
        }
        long delay;
        synchronized (this) {
            delay = backoffMs;
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
        LOG.warn("could not add the watch on {} ({}); trying again in {}", path, why, Duration.ofMillis(delay));
        session.schedule(this::install, delay, TimeUnit.MILLISECONDS);
    }
}
