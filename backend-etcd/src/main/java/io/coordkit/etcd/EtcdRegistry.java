package io.coordkit.etcd;

import io.coordkit.CoordinationException;
import io.coordkit.spi.Futures;
import io.coordkit.Subscription;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.spi.BackendRegistration;
import io.coordkit.spi.RegistryBackend;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The service registry: one key per instance, {@code registry/<service>~/<id>}, on the session lease. A register is
 * one transaction: put if the key does not exist, else read it. An existing key on a lease this coordinator lost
 * earlier is replaced when the core registers again ({@code renewal}); any other is refused (REG-3). Deregistering
 * deletes the key only if it is still the one made (same create revision). Watches are {@link EtcdWatch}es on the
 * service's directory, delivering the sorted membership whenever it changed.
 */
final class EtcdRegistry implements RegistryBackend {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdRegistry.class);

    private final EtcdSession session;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();

    EtcdRegistry(EtcdSession session) {
        this.session = session;
    }

    @Override
    public CompletableFuture<BackendRegistration> register(String service, ServiceInstance instance, boolean renewal) {
        String dir = session.keys().directory("registry", service);
        ByteSequence key = Keys.bytes(dir + instance.id());
        ByteSequence value = Keys.encodeInstance(instance);
        String what = service + "/" + instance.id();
        long lease;
        try {
            lease = session.lease();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<BackendRegistration> result = new CompletableFuture<>();
        Members.create(session, key, value, lease, renewal, "register", what)
                .whenComplete((createRevision, t) -> {
                    if (t != null) {
                        result.completeExceptionally(Futures.unwrap(t));
                        return;
                    }
                    BackendRegistration reg = () -> EtcdLease.deleteIfOurs(session, key, createRevision,
                            "deregister", what);
                    if (!result.complete(reg)) {
                        // the caller gave up (SPI-8)
                        reg.deregister();
                    }
                });
        return result;
    }

    @Override
    public CompletableFuture<List<ServiceInstance>> instances(String service) {
        String dir = session.keys().directory("registry", service);
        return session.call("instances", service, () -> session.client().getKVClient().get(Keys.bytes(dir),
                GetOption.builder().isPrefix(true).build())).thenApply(r -> {
                    Map<String, ServiceInstance> m = new TreeMap<>();
                    for (KeyValue kv : r.getKvs()) {
                        add(m, dir, kv);
                    }
                    return new ArrayList<>(m.values());
                });
    }

    private static void add(Map<String, ServiceInstance> m, String dir, KeyValue kv) {
        String id = Keys.memberName(kv.getKey(), dir);
        try {
            m.put(id, Keys.decodeInstance(id, kv.getValue()));
        } catch (CoordinationException e) {
            LOG.warn("skipping {}: {}", kv.getKey(), e.getMessage());
        }
    }

    @Override
    public Subscription watch(String service, Consumer<List<ServiceInstance>> listener) {
        String dir = session.keys().directory("registry", service);
        Map<String, ServiceInstance> members = new TreeMap<>();
        java.util.concurrent.atomic.AtomicReference<List<ServiceInstance>> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        Runnable deliver = () -> {
            List<ServiceInstance> now = new ArrayList<>(members.values());
            if (!now.equals(last.get())) {
                last.set(now);
                listener.accept(now);
            }
        };
        EtcdWatch w = new EtcdWatch(session, "service " + service, Keys.bytes(dir), Keys.prefixEnd(dir),
                new EtcdWatch.Sink() {
                    @Override
                    public void resync(long revision, List<KeyValue> kvs) {
                        members.clear();
                        kvs.forEach(kv -> add(members, dir, kv));
                        deliver.run();
                    }

                    @Override
                    public void events(List<WatchEvent> events) {
                        for (WatchEvent e : events) {
                            if (e.getEventType() == WatchEvent.EventType.PUT) {
                                add(members, dir, e.getKeyValue());
                            } else if (e.getEventType() == WatchEvent.EventType.DELETE) {
                                members.remove(Keys.memberName(e.getKeyValue().getKey(), dir));
                            }
                        }
                        deliver.run();
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

    /** Creating member keys (instances, candidates) that are unique among live sessions. */
    static final class Members {
        private Members() {
        }

        /**
         * Puts a member key on the lease if it does not exist. An existing key on a lease this coordinator lost is
         * replaced when {@code replaceFormer}; any other existing key is refused.
         *
         * @return the key's create revision
         */
        static CompletableFuture<Long> create(EtcdSession session, ByteSequence key, ByteSequence value, long lease,
                                              boolean replaceFormer, String operation, String what) {
            PutOption put = PutOption.builder().withLeaseId(lease).build();
            return session.call(operation, what, () -> session.client().getKVClient().txn()
                            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                            .Then(Op.put(key, value, put))
                            .Else(Op.get(key, GetOption.DEFAULT)).commit())
                    .thenCompose((TxnResponse r) -> {
                        if (r.isSucceeded()) {
                            return CompletableFuture.completedFuture(r.getHeader().getRevision());
                        }
                        List<KeyValue> found = r.getGetResponses().get(0).getKvs();
                        if (found.isEmpty()) {
                            // gone meanwhile: try once more
                            return create(session, key, value, lease, replaceFormer, operation, what);
                        }
                        KeyValue existing = found.get(0);
                        if (replaceFormer && session.keeper().isFormerLease(existing.getLease())) {
                            // delete the lost session's entry, then create anew (a new create revision)
                            return session.call(operation, what, () -> session.client().getKVClient().txn()
                                            .If(new Cmp(key, Cmp.Op.EQUAL,
                                                    CmpTarget.modRevision(existing.getModRevision())))
                                            .Then(Op.delete(key, io.etcd.jetcd.options.DeleteOption.DEFAULT))
                                            .commit())
                                    .thenCompose(r2 -> create(session, key, value, lease, replaceFormer, operation,
                                            what));
                        }
                        throw new CompletionException(new CoordinationException(what + " exists already, held by "
                                + "another live session (etcd lease 0x" + Long.toHexString(existing.getLease())
                                + ")"));
                    });
        }
    }
}
