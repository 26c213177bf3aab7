package io.coordkit.etcd;

import io.coordkit.Subscription;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;
import io.coordkit.spi.ConfigBackend;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Config on etcd keys. A key's version is its <b>mod revision</b>: etcd's global revision of the write, so versions
 * strictly increase across deletes and re-creations (CFG-2). Compare-and-set and conditional deletes are one
 * transaction comparing the mod revision (and that the key exists); the else branch reads the key, so a conflict
 * names the version found. Reads are etcd's default linearizable reads (LINEARIZABLE_CONFIG). Watches
 * ({@link EtcdWatch}) deliver every revision of every key (WATCH_EVERY_VERSION) and resume from the last revision
 * seen (WATCH_REPLAY); after a compaction a RESYNC.
 */
final class EtcdConfig implements ConfigBackend {

    private final EtcdSession session;
    private final Keys keys;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

    EtcdConfig(EtcdSession session) {
        this.session = session;
        this.keys = session.keys();
    }

    private KV kv() {
        return session.client().getKVClient();
    }

    @Override
    public CompletableFuture<Optional<Versioned<byte[]>>> get(String key) {
        return session.call("get", key, () -> kv().get(keys.config(key))).thenApply(r -> r.getKvs().isEmpty()
                ? Optional.empty() : Optional.of(versioned(r.getKvs().get(0))));
    }

    @Override
    public CompletableFuture<Long> put(String key, byte[] value) {
        return session.call("put", key, () -> kv().put(keys.config(key), ByteSequence.from(value)))
                .thenApply(r -> r.getHeader().getRevision());
    }

    @Override
    public CompletableFuture<Long> compareAndSet(String key, long expectedVersion, byte[] value) {
        ByteSequence k = keys.config(key);
        Cmp[] cmps = expectedVersion == Versioned.ABSENT
                ? new Cmp[]{new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0))}
                : new Cmp[]{new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0)),
                        new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion))};
        return session.call("compareAndSet", key, () -> kv().txn().If(cmps)
                        .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
                        .Else(Op.get(k, GetOption.DEFAULT)).commit())
                .thenApply(r -> {
                    if (r.isSucceeded()) {
                        return r.getHeader().getRevision();
                    }
                    throw conflict(key, expectedVersion, r);
                });
    }

    @Override
    public CompletableFuture<Boolean> delete(String key, OptionalLong expectedVersion) {
        ByteSequence k = keys.config(key);
        if (expectedVersion.isEmpty()) {
            return session.call("delete", key, () -> kv().delete(k)).thenApply(r -> r.getDeleted() > 0);
        }
        long expected = expectedVersion.getAsLong();
        return session.call("delete", key, () -> kv().txn()
                        .If(new Cmp(k, Cmp.Op.GREATER, CmpTarget.createRevision(0)),
                                new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expected)))
                        .Then(Op.delete(k, DeleteOption.DEFAULT))
                        .Else(Op.get(k, GetOption.DEFAULT)).commit())
                .thenApply(r -> {
                    if (r.isSucceeded()) {
                        return true;
                    }
                    throw conflict(key, expected, r);
                });
    }

    private static CompletionException conflict(String key, long expected, TxnResponse r) {
        List<KeyValue> found = r.getGetResponses().isEmpty() ? List.of() : r.getGetResponses().get(0).getKvs();
        OptionalLong actual = found.isEmpty() ? OptionalLong.empty() : OptionalLong.of(found.get(0).getModRevision());
        return new CompletionException(new VersionConflictException(key, expected, actual));
    }

    @Override
    public CompletableFuture<SortedMap<String, Versioned<byte[]>>> list(String prefix) {
        ByteSequence[] range = keys.configRange(prefix);
        return session.call("list", prefix, () -> kv().get(range[0], GetOption.builder().withRange(range[1]).build()))
                .thenApply(r -> {
                    SortedMap<String, Versioned<byte[]>> out = new TreeMap<>();
                    for (KeyValue kv : r.getKvs()) {
                        String key = keys.inConfigPrefix(kv.getKey(), prefix);
                        if (key != null) {
                            out.put(key, versioned(kv));
                        }
                    }
                    return out;
                });
    }

    @Override
    public Subscription watch(String prefix, ConfigListener listener) {
        ByteSequence[] range = keys.configRange(prefix);
        EtcdWatch w = new EtcdWatch(session, "config " + (prefix.isEmpty() ? "(all)" : prefix), range[0], range[1],
                new EtcdWatch.Sink() {
                    @Override
                    public void resync(long revision, List<KeyValue> kvs) {
                        Map<String, Versioned<byte[]>> snapshot = new TreeMap<>();
                        for (KeyValue kv : kvs) {
                            String key = keys.inConfigPrefix(kv.getKey(), prefix);
                            if (key != null) {
                                snapshot.put(key, versioned(kv));
                            }
                        }
                        listener.onEvent(ConfigEvent.resync(prefix, snapshot));
                    }

                    @Override
                    public void events(List<WatchEvent> events) {
                        for (WatchEvent e : events) {
                            KeyValue kv = e.getKeyValue();
                            String key = keys.inConfigPrefix(kv.getKey(), prefix);
                            if (key == null) {
                                continue;
                            }
                            if (e.getEventType() == WatchEvent.EventType.PUT) {
                                listener.onEvent(ConfigEvent.put(key, kv.getValue().getBytes(), kv.getModRevision()));
                            } else if (e.getEventType() == WatchEvent.EventType.DELETE) {
                                listener.onEvent(ConfigEvent.delete(key, kv.getModRevision()));
                            }
                        }
                    }
                });
        watches.add(w);
        w.start();
        return () -> {
            watches.remove(w);
            w.close();
        };
    }

    void close() {
        watches.forEach(EtcdWatch::close);
        watches.clear();
    }

    static Versioned<byte[]> versioned(KeyValue kv) {
        return new Versioned<>(kv.getValue().getBytes(), kv.getModRevision());
    }
}
