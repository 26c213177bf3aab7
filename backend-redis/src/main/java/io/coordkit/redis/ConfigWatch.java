package io.coordkit.redis;

import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigListener;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One config watch: a RESYNC from a consistent snapshot, then the namespace's change stream read from the last id
 * delivered, whenever a change is published, on the re-check timer, and after reconnects (so it resumes where it
 * was: WATCH_REPLAY). Every change carries the namespace revision, consecutive across the namespace; a change
 * whose revision is not the next one means the watcher fell behind the stream's trim (or a failover lost writes
 * and the revision went back): the watch then sends a new RESYNC. Runs on its {@link Rechecker}, one poll at a time.
 */
final class ConfigWatch {

    private static final int BATCH = 256;

    private final RedisConfig kv;
    private final String prefix;
    private final ConfigListener listener;
    private boolean started;
    private long revision;
    private String lastId;
    private volatile boolean closed;

    ConfigWatch(RedisConfig kv, String prefix, ConfigListener listener) {
        this.kv = kv;
        this.prefix = prefix;
        this.listener = listener;
    }

    void close() {
        closed = true;
    }

    CompletableFuture<?> poll() {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        if (!started) {
            return resync();
        }
        return kv.changes(lastId, BATCH).thenCompose(this::apply);
    }

    private CompletableFuture<?> resync() {
        return kv.snapshot(prefix).thenAccept(s -> {
            if (closed) {
                return;
            }
            started = true;
            revision = s.revision;
            lastId = s.lastId;
            listener.onEvent(ConfigEvent.resync(prefix, s.entries));
        });
    }

    private CompletableFuture<?> apply(List<Object> r) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        long current = (Long) r.get(0);
        int n = (r.size() - 1) / 5;
        if (current < revision || (n == 0 && current > revision)) {
            return resync();
        }
        for (int i = 1; i + 4 < r.size(); i += 5) {
            long rev = (Long) r.get(i + 3);
            if (rev != revision + 1) {
                return resync();
            }
            revision = rev;
            lastId = Link.text(r.get(i));
            String key = Link.text(r.get(i + 2));
            if (matches(key)) {
                if ("d".equals(Link.text(r.get(i + 1)))) {
                    listener.onEvent(ConfigEvent.delete(key, rev));
                } else {
                    listener.onEvent(ConfigEvent.put(key, RedisConfig.bytes(r.get(i + 4)), rev));
                }
            }
        }
        if (n == BATCH) {
            return poll();
        }
        return CompletableFuture.completedFuture(null);
    }

    private boolean matches(String key) {
        return prefix.isEmpty() || key.equals(prefix) || key.startsWith(prefix + "/");
    }
}
