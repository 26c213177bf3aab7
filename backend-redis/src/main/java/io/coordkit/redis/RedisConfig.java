package io.coordkit.redis;

import io.coordkit.Subscription;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;
import io.coordkit.spi.ConfigBackend;
import io.lettuce.core.KeyValue;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Config on Redis. A key's value and version are one hash ({@code v}, {@code r}); the version is the namespace's
 * revision, a counter incremented by every write of the namespace in the same script, so versions strictly increase
 * across delete and re-create (CFG-2). Every write also appends the change to the namespace's stream (bounded,
 * {@code MAXLEN ~}) and publishes its revision, in the same script: watchers read the stream in commit order.
 */
final class RedisConfig implements ConfigBackend {

    private final Link link;
    private final Keys keys;
    private final Notifier notifier;
    private final Executor executor;
    private final long streamLength;
    private final Replication replication;

    RedisConfig(Link link, Keys keys, Notifier notifier, Executor executor, long streamLength, Replication replication) {
        this.link = link;
        this.keys = keys;
        this.notifier = notifier;
        this.executor = executor;
        this.streamLength = streamLength;
        this.replication = replication;
    }

    @Override
    public CompletableFuture<Optional<Versioned<byte[]>>> get(String key) {
        return link.<List<KeyValue<String, byte[]>>>call("get config key '" + key + "'",
                c -> c.hmget(keys.configKey(key), "v", "r")).thenApply(kvs -> {
                    if (kvs.size() < 2 || !kvs.get(1).hasValue()) {
                        return Optional.empty();
                    }
                    byte[] v = kvs.get(0).hasValue() ? kvs.get(0).getValue() : new byte[0];
                    return Optional.of(new Versioned<>(v, Long.parseLong(Link.text(kvs.get(1).getValue()))));
                });
    }

    @Override
    public CompletableFuture<Long> put(String key, byte[] value) {
        return write("put config key '" + key + "'", "put", key, -1, value).thenApply(r -> r[1]);
    }

    @Override
    public CompletableFuture<Long> compareAndSet(String key, long expectedVersion, byte[] value) {
        return write("compare-and-set config key '" + key + "'", "cas", key, expectedVersion, value).thenApply(r -> {
            if (r[0] != 0) {
                throw new VersionConflictException(key, expectedVersion, OptionalLong.of(r[1]));
            }
            return r[1];
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String key, OptionalLong expectedVersion) {
        String mode = expectedVersion.isPresent() ? "delv" : "del";
        return write("delete config key '" + key + "'", mode, key, expectedVersion.orElse(-1), new byte[0])
                .thenApply(r -> {
                    if (r[0] != 0) {
                        throw new VersionConflictException(key, expectedVersion.getAsLong(), OptionalLong.of(r[1]));
                    }
                    return r[1] > 0;
                });
    }

    /** @return {0, revision or deleted flag} on success, {1, current version} on a conflict */
    private CompletableFuture<long[]> write(String what, String mode, String key, long expected, byte[] value) {
        String op = UUID.randomUUID().toString();
        long opTtl = link.operationTimeout().toMillis() * 2 + 1000;
        return link.eval(what, Scripts.CONFIG_WRITE, new String[] {keys.configKey(key), keys.configIndex(),
                                keys.configRevision(), keys.configLog(), keys.operation(op)},
                        mode, key, expected, value, streamLength, keys.configChannel(), opTtl)
                .thenCompose(r -> replication.await(what).thenApply(x -> r))
                .thenApply(r -> {
                    String code = Link.text(r.get(0));
                    long n = (Long) r.get(1);
                    return new long[] {"conflict".equals(code) ? 1 : 0, n};
                });
    }

    @Override
    public CompletableFuture<SortedMap<String, Versioned<byte[]>>> list(String prefix) {
        return snapshot(prefix).thenApply(s -> s.entries);
    }

    /** A consistent cut of the keys under a prefix, with the revision and stream id it was taken at. */
    static final class Snapshot {
        final long revision;
        final String lastId;
        final SortedMap<String, Versioned<byte[]>> entries;

        Snapshot(long revision, String lastId, SortedMap<String, Versioned<byte[]>> entries) {
            this.revision = revision;
            this.lastId = lastId;
            this.entries = entries;
        }
    }

    CompletableFuture<Snapshot> snapshot(String prefix) {
        return link.evalAnyTime("list config keys under '" + prefix + "'", Scripts.CONFIG_LIST,
                new String[] {keys.configIndex(), keys.configRevision(), keys.configLog()}, prefix).thenApply(r -> {
                    SortedMap<String, Versioned<byte[]>> out = new TreeMap<>();
                    for (int i = 2; i + 2 < r.size(); i += 3) {
                        out.put(Link.text(r.get(i)), new Versioned<>(bytes(r.get(i + 1)), (Long) r.get(i + 2)));
                    }
                    return new Snapshot((Long) r.get(0), Link.text(r.get(1)), out);
                });
    }

    /** Changes after a stream id: {revision, then id, type, key, version, value per change}. */
    CompletableFuture<List<Object>> changes(String afterId, int count) {
        return link.evalAnyTime("read config changes", Scripts.CONFIG_READ,
                new String[] {keys.configLog(), keys.configRevision()}, afterId, count);
    }

    static byte[] bytes(Object o) {
        return o instanceof byte[] b ? b : Link.bytes(String.valueOf(o));
    }

    @Override
    public Subscription watch(String prefix, ConfigListener listener) {
        ConfigWatch w = new ConfigWatch(this, prefix, listener);
        Rechecker checker = new Rechecker(executor, w::poll);
        Subscription s = notifier.subscribe(keys.configChannel(), checker);
        return () -> {
            w.close();
            s.close();
        };
    }
}
