package io.coordkit.zookeeper;

import io.coordkit.Subscription;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;
import io.coordkit.session.SessionState;
import io.coordkit.spi.Futures;
import io.coordkit.spi.SerialExecutor;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A config watch: one persistent recursive watch on the prefix's node, read back in commit order.
 *
 * <p>ZooKeeper's watch events carry the path, the type and the zxid of the write, not the data. For each event
 * the watch reads the node and delivers the state read <em>only if it is the state that write made</em> (the
 * node's mzxid equals the event's zxid). When the read already shows a later write, that write's own event
 * follows and delivers it; the earlier state is coalesced away. So the events delivered between two RESYNCs are a
 * subsequence of the committed writes, in commit order, and the last write of every key is always delivered
 * (CFG-6, CFG-7). A RESYNC snapshot is built from separate reads ({@code ZkConfig.walk}): exact per key, but not
 * one consistent cut across keys.
 * Reads are pipelined; a queue applies their results in event order. Per key, the mzxid of the last state
 * delivered (or of the RESYNC snapshot) guards against going backwards.
 *
 * <p>A RESYNC snapshot is delivered first, and again whenever the watch may have missed an event: after every
 * RECONNECTED and every new session (the watch is added again then), and after a failed read. Between losing
 * contact and that RESYNC no event is delivered (CFG-8).
 */
final class ConfigWatch implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatch.class);

    private final ZkConfig config;
    private final ZkSession session;
    private final String prefix;
    private final String root;
    private final ConfigListener listener;
    private final SerialExecutor serial;
    private final PersistentWatch watch;
    private final SessionTracker.Listener stateListener = this::stateChanged;

    // confined to `serial`
    private final ArrayDeque<Step> steps = new ArrayDeque<>();
    private final Map<String, KeyView> view = new HashMap<>();
    private boolean synced;
    /** Counts the losses of contact (SUSPENDED, LOST); a snapshot started before one is stale. */
    private long epoch;
    private long backoffMs = 100;

    private volatile boolean closed;

    /** The view of one key: whether it has a value, and the version and mzxid of its last state delivered. */
    private record KeyView(boolean present, long version, long mzxid) {
    }

    /** A read in flight: for an event, or a snapshot. */
    private record Step(WatchedEvent event, String key, CompletableFuture<ZkConfig.Node> read,
                        CompletableFuture<Map<String, ZkConfig.Node>> snapshot, long epoch) {
        CompletableFuture<?> future() {
            return read != null ? read : snapshot;
        }
    }

    ConfigWatch(ZkConfig config, ZkSession session, String prefix, ConfigListener listener) {
        this.config = config;
        this.session = session;
        this.prefix = prefix;
        this.root = session.paths().config(prefix);
        this.listener = listener;
        this.serial = new SerialExecutor(session.executor(), "config watch");
        this.watch = new PersistentWatch(session, root, AddWatchMode.PERSISTENT_RECURSIVE,
                e -> serial.execute(() -> onEvent(e)),
                () -> serial.execute(this::resync));
    }

    void start() {
        session.tracker().addListener(stateListener);
        watch.start();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        session.tracker().removeListener(stateListener);
        watch.close();
        config.closed(this);
    }

    private void stateChanged(SessionState state) {
        if (state == SessionState.SUSPENDED || state == SessionState.LOST) {
            // events may be missed from now on: deliver nothing until the RESYNC that follows the reconnect
            serial.execute(() -> {
                synced = false;
                epoch++;
            });
        }
    }

    private void onEvent(WatchedEvent event) {
        if (closed) {
            return;
        }
        String key = session.paths().configKey(event.getPath());
        if (key == null) {
            return;
        }
        String what = "read of config key '" + key + "' for a watch";
        enqueue(new Step(event, key, config.read(event.getPath(), what), null, epoch));
    }

    private void resync() {
        if (closed) {
            return;
        }
        String what = "snapshot of config prefix '" + prefix + "' for a watch";
        enqueue(new Step(null, null, null, config.walk(root, what), epoch));
    }

    private void enqueue(Step step) {
        steps.add(step);
        step.future().whenComplete((r, t) -> serial.execute(this::drain));
    }

    private void drain() {
        while (!closed && !steps.isEmpty() && steps.peek().future().isDone()) {
            Step step = steps.poll();
            if (step.snapshot() != null) {
                applySnapshot(step.snapshot(), step.epoch());
            } else {
                applyEvent(step.event(), step.key(), step.read());
            }
        }
    }

    private void applySnapshot(CompletableFuture<Map<String, ZkConfig.Node>> snapshot, long startedIn) {
        if (startedIn != epoch) {
            // started before contact was lost: it may miss writes made since; the RESYNC after the
            // reconnect covers them, and nothing is delivered until then
            LOG.debug("config watch on '{}': dropping a snapshot started before contact was lost", prefix);
            return;
        }
        Map<String, ZkConfig.Node> nodes;
        try {
            nodes = snapshot.join();
        } catch (RuntimeException e) {
            failed("the snapshot", e);
            return;
        }
        view.clear();
        Map<String, Versioned<byte[]>> values = new TreeMap<>();
        nodes.forEach((key, n) -> {
            view.put(key, new KeyView(n.hasValue(), n.stat().getVersion(), n.stat().getMzxid()));
            if (n.hasValue()) {
                values.put(key, n.versioned());
            }
        });
        synced = true;
        backoffMs = 100;
        deliver(ConfigEvent.resync(prefix, values));
    }

    private void applyEvent(WatchedEvent event, String key, CompletableFuture<ZkConfig.Node> read) {
        if (!synced) {
            return; // a RESYNC is due; it reads the state after this event
        }
        ZkConfig.Node n;
        try {
            n = read.join();
        } catch (RuntimeException e) {
            failed("a read after an event", e);
            return;
        }
        KeyView last = view.get(key);
        if (event.getType() == EventType.NodeDeleted) {
            // only another tool removes config nodes: report the value gone with the last version known
            if (!n.exists() && last != null) {
                if (last.present()) {
                    deliver(ConfigEvent.delete(key, last.version()));
                }
                view.put(key, new KeyView(false, last.version(), Math.max(last.mzxid(), event.getZxid())));
            }
            return;
        }
        if (!n.exists()) {
            return; // removed since; its NodeDeleted event follows
        }
        long mzxid = n.stat().getMzxid();
        boolean exact = event.getZxid() == WatchedEvent.NO_ZXID || mzxid == event.getZxid();
        if (!exact || (last != null && mzxid <= last.mzxid())) {
            return; // a later write's own event delivers it, or it was delivered already
        }
        long version = n.stat().getVersion();
        if (n.hasValue()) {
            view.put(key, new KeyView(true, version, mzxid));
            deliver(ConfigEvent.put(key, ConfigData.valueOf(n.data()), version));
        } else {
            view.put(key, new KeyView(false, version, mzxid));
            if (last != null && last.present()) {
                deliver(ConfigEvent.delete(key, version));
            }
        }
    }

    private void failed(String what, RuntimeException e) {
        synced = false;
        if (closed) {
            return;
        }
        if (session.tracker().state().isUsable()) {
            long delay = backoffMs;
            backoffMs = Math.min(5_000, backoffMs * 2);
            LOG.warn("config watch on '{}': {} failed ({}); resynchronising in {} ms", prefix, what,
                    Futures.unwrap(e).getMessage(), delay);
            session.schedule(() -> serial.execute(this::resync), delay, TimeUnit.MILLISECONDS);
        } else {
            LOG.debug("config watch on '{}': {} failed while disconnected; resynchronising on reconnect", prefix,
                    what);
        }
    }

    private void deliver(ConfigEvent event) {
        if (closed) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("config watch on '{}': the listener failed on {}", prefix, event, e);
        }
    }
}
