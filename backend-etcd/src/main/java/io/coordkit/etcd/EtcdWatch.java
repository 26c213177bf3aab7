package io.coordkit.etcd;

import io.coordkit.Subscription;
import io.coordkit.spi.Futures;
import io.coordkit.spi.SerialExecutor;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * A watch over a key range that never goes quiet: it reads the range, hands the state to its sink
 * ({@link Sink#resync}), then watches from the revision after the read and hands on every event in commit order.
 * jetcd's own watch is used for one stream at a time and replaced by this class whenever it ends:
 *
 * <ul>
 *   <li>an error or the end of the stream (jetcd stops by itself after "no leader" and other halt errors, and its
 *   watch on a frozen member stays open but silent): a new jetcd watch from the revision after the last event
 *   seen, so nothing is missed and nothing repeated (WATCH_REPLAY);</li>
 *   <li>a compaction of that revision: a new read and a {@link Sink#resync} (the changes in between are gone
 *   from etcd's history);</li>
 *   <li>a watchdog asks the stream for a progress notification every interval; a stream that has answered
 *   nothing for a whole interval after being asked is replaced (a new stream may go to another member).</li>
 * </ul>
 *
 * Every call of the sink runs on one {@link SerialExecutor}: in order, never overlapping.
 */
final class EtcdWatch implements Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);
    private static final long MIN_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2000;

    /** Receives the state and the changes of the range. */
    interface Sink {
        /**
         * @param revision the revision of the state
         * @param kvs      every key of the range at that revision, in key order
         */
        void resync(long revision, List<KeyValue> kvs);

        /** @param events changes after the last state, in commit order */
        void events(List<WatchEvent> events);
    }

    private final EtcdSession session;
    private final String what;
    private final ByteSequence from;
    private final ByteSequence to;
    private final Sink sink;
    private final SerialExecutor serial;
    private final long watchdogMs;

    // all below only on the serial executor
    private long next;
    private int generation;
    private Watch.Watcher watcher;
    private long lastHeardNanos;
    private boolean progressAsked;
    private long backoffMs = MIN_BACKOFF_MS;
    private volatile boolean closed;
    private volatile ScheduledFuture<?> timer;

    EtcdWatch(EtcdSession session, String what, ByteSequence from, ByteSequence to, Sink sink) {
        this.session = session;
        this.what = what;
        this.from = from;
        this.to = to;
        this.sink = sink;
        this.serial = new SerialExecutor(session.executor(), "etcd watch of " + what);
        long ttl = session.spec().sessionTtl().toMillis();
        this.watchdogMs = Math.max(1000, Math.min(session.spec().operationTimeout().toMillis(), ttl) / 2);
    }

    /** @return this watch, started */
    EtcdWatch start() {
        serial.execute(this::resync);
        timer = session.schedule(this::tick, watchdogMs);
        return this;
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        serial.execute(() -> {
            generation++;
            closeWatcher();
        });
    }

    private void resync() {
        if (closed) {
            return;
        }
        int gen = ++generation;
        closeWatcher();
        session.call("read", what, () -> session.client().getKVClient().get(from,
                        GetOption.builder().withRange(to).build()))
                .whenComplete((r, t) -> serial.execute(() -> resynced(gen, r, t)));
    }

    private void resynced(int gen, GetResponse r, Throwable t) {
        if (closed || gen != generation) {
            return;
        }
        if (t != null) {
            LOG.debug("{}: reading {} for a watch failed, again in {} ms: {}", session.spec().uri(), what, backoffMs,
                    t.toString());
            retryLater(this::resync);
            return;
        }
        long revision = r.getHeader().getRevision();
        sink.resync(revision, r.getKvs());
        open(revision + 1);
    }

    private void open(long revision) {
        if (closed) {
            return;
        }
        int gen = ++generation;
        closeWatcher();
        next = revision;
        lastHeardNanos = System.nanoTime();
        progressAsked = false;
        WatchOption option = WatchOption.builder().withRange(to).withRevision(revision).withRequireLeader(true)
                .build();
        try {
            watcher = session.client().getWatchClient().watch(from, option, new Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                    serial.execute(() -> received(gen, response));
                }

                @Override
                public void onError(Throwable throwable) {
                    serial.execute(() -> ended(gen, throwable));
                }

                @Override
                public void onCompleted() {
                    serial.execute(() -> ended(gen, null));
                }
            });
        } catch (RuntimeException e) {
            ended(gen, e);
        }
    }

    private void received(int gen, WatchResponse response) {
        if (closed || gen != generation) {
            return;
        }
        lastHeardNanos = System.nanoTime();
        progressAsked = false;
        backoffMs = MIN_BACKOFF_MS;
        List<WatchEvent> events = response.getEvents();
        if (!events.isEmpty()) {
            sink.events(events);
            next = events.get(events.size() - 1).getKeyValue().getModRevision() + 1;
        } else if (response.isProgressNotify()) {
            next = Math.max(next, response.getHeader().getRevision() + 1);
        }
    }

    private void ended(int gen, Throwable t) {
        if (closed || gen != generation) {
            return;
        }
        Throwable c = t == null ? null : Futures.unwrap(t);
        generation++;
        closeWatcher();
        if (c instanceof CompactedException || (c != null && String.valueOf(c.getMessage()).contains("compacted"))) {
            LOG.info("{}: watch of {} resumes after a compaction: RESYNC", session.spec().uri(), what);
            serial.execute(this::resync);
            return;
        }
        LOG.debug("{}: watch of {} ended ({}); resuming from revision {}", session.spec().uri(), what,
                c == null ? "completed" : c.toString(), next);
        long resumeAt = next;
        retryLater(() -> open(resumeAt));
    }

    private void tick() {
        if (closed) {
            return;
        }
        serial.execute(() -> {
            if (closed) {
                return;
            }
            Watch.Watcher w = watcher;
            if (w != null) {
                long silentMs = (System.nanoTime() - lastHeardNanos) / 1_000_000;
                if (progressAsked && silentMs > watchdogMs) {
                    LOG.info("{}: watch of {} answered nothing for {} ms; opening it again from revision {}",
                            session.spec().uri(), what, silentMs, next);
                    open(next);
                } else {
                    progressAsked = true;
                    try {
                        w.requestProgress();
                    } catch (RuntimeException e) {
                        LOG.debug("progress request failed", e);
                    }
                }
            }
        });
        timer = session.schedule(this::tick, watchdogMs);
    }

    private void retryLater(Runnable task) {
        long delay = backoffMs;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        session.schedule(() -> serial.execute(task), delay);
    }

    private void closeWatcher() {
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a jetcd watcher failed", e);
            }
        }
    }
}
