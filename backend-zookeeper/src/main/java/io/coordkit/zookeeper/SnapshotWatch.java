package io.coordkit.zookeeper;

import io.coordkit.Subscription;
import io.coordkit.spi.Futures;
import io.coordkit.spi.SerialExecutor;
import org.apache.zookeeper.AddWatchMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Watches the member nodes of a directory and delivers a fresh snapshot after changes: a persistent recursive
 * watch on the directory; each event for a direct child whose name starts with the member prefix (and each
 * (re-)installation of the watch, after reconnects and new sessions) asks for a new read. Reads never overlap;
 * requests during a read are coalesced into one more read. A snapshot is delivered at once, then only when it
 * differs from the last one delivered. A failed read is repeated while the session is usable; otherwise the
 * reconnect brings a new read. Used for service membership and election observers.
 *
 * @param <T> the snapshot type (with a meaningful {@code equals})
 */
final class SnapshotWatch<T> implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWatch.class);
    private static final long RETRY_MS = 500;

    private final ZkSession session;
    private final String what;
    private final Supplier<CompletableFuture<T>> read;
    private final Consumer<T> listener;
    private final Consumer<SnapshotWatch<T>> onClose;
    private final SerialExecutor serial;
    private final PersistentWatch watch;
    private volatile boolean closed;

    // confined to `serial`
    private boolean reading;
    private boolean readAgain;
    private boolean delivered;
    private T last;

    /**
     * @param session      the session
     * @param dir          the directory
     * @param memberPrefix name prefix of the member nodes whose changes count
     * @param what         what is watched, for logs
     * @param read         reads a snapshot
     * @param listener     gets the snapshots, one call at a time
     * @param onClose      told when closed
     */
    SnapshotWatch(ZkSession session, String dir, String memberPrefix, String what,
                  Supplier<CompletableFuture<T>> read, Consumer<T> listener, Consumer<SnapshotWatch<T>> onClose) {
        this.session = session;
        this.what = what;
        this.read = read;
        this.listener = listener;
        this.onClose = onClose;
        this.serial = new SerialExecutor(session.executor(), "snapshot watch");
        this.watch = new PersistentWatch(session, dir, AddWatchMode.PERSISTENT_RECURSIVE, e -> {
            String p = e.getPath();
            int slash = p.lastIndexOf('/');
            if (slash == dir.length() && p.startsWith(dir) && p.startsWith(memberPrefix, slash + 1)) {
                serial.execute(this::refresh);
            }
        }, () -> serial.execute(this::refresh));
    }

    void start() {
        watch.start();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watch.close();
        onClose.accept(this);
    }

    private void refresh() {
        if (closed) {
            return;
        }
        if (reading) {
            readAgain = true;
            return;
        }
        reading = true;
        read.get().whenComplete((snapshot, t) -> serial.execute(() -> {
            reading = false;
            if (t != null) {
                LOG.warn("{}: reading failed ({}); reading again", what, Futures.unwrap(t).getMessage());
                if (session.tracker().state().isUsable()) {
                    session.schedule(() -> serial.execute(this::refresh), RETRY_MS, TimeUnit.MILLISECONDS);
                } // otherwise the watch reads again once it is added back after the reconnect
            } else if (!closed && (!delivered || !snapshot.equals(last))) {
                delivered = true;
                last = snapshot;
                try {
                    listener.accept(snapshot);
                } catch (RuntimeException e) {
                    LOG.warn("{}: the listener failed", what, e);
                }
            }
            if (readAgain) {
                readAgain = false;
                refresh();
            }
        }));
    }
}
