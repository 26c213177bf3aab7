package io.coordkit.etcd;

import io.coordkit.spi.AdminBackend;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Names in use and namespaces, from the key layout of {@link Keys}, each with one keys-only range read. Members of
 * locks, registrations and candidacies are on their session's lease, so a member key exists only while its session
 * lives: a directory with a key in it is a name in use. A namespace is the part of a key between {@code coordkit/}
 * and the first {@code ~/} (no name holds {@code ~}, NAM-1). {@link #deleteNamespace()} removes this namespace's
 * keys and those of the namespaces nested in it in one transaction; the leases (sessions) stay, as they are not in
 * the namespace.
 */
final class EtcdAdmin implements AdminBackend {

    static final String ROOT = "coordkit/";
    private static final String MARK = "~/";

    private final EtcdSession session;
    private final String namespace;

    EtcdAdmin(EtcdSession session, String namespace) {
        this.session = session;
        this.namespace = namespace;
    }

    @Override
    public CompletableFuture<SortedSet<String>> services() {
        return names("list of services", "registry");
    }

    @Override
    public CompletableFuture<SortedSet<String>> locks() {
        CompletableFuture<SortedSet<String>> locks = names("list of locks", "locks");
        CompletableFuture<SortedSet<String>> rw = names("list of locks", "rwlocks");
        CompletableFuture<SortedSet<String>> semaphores = names("list of locks", "semaphores");
        return CompletableFuture.allOf(locks, rw, semaphores).thenApply(v -> {
            SortedSet<String> all = new TreeSet<>(locks.join());
            all.addAll(rw.join());
            all.addAll(semaphores.join());
            return all;
        });
    }

    @Override
    public CompletableFuture<SortedSet<String>> elections() {
        return names("list of elections", "elections");
    }

    @Override
    public CompletableFuture<SortedSet<String>> namespaces() {
        return keysUnder("list of namespaces", ROOT).thenApply(keys -> {
            SortedSet<String> names = new TreeSet<>();
            for (String key : keys) {
                int mark = key.indexOf(MARK);
                if (mark > ROOT.length()) {
                    names.add(key.substring(ROOT.length(), mark));
                }
            }
            return names;
        });
    }

    @Override
    public CompletableFuture<Void> deleteNamespace() {
        DeleteOption prefix = DeleteOption.builder().isPrefix(true).build();
        // '<ns>~/' is this namespace, '<ns>/' the ones nested in it; '<ns>x~/' is another and stays
        ByteSequence own = Keys.bytes(session.keys().base());
        ByteSequence nested = Keys.bytes(ROOT + namespace + "/");
        return session.call("remove namespace", namespace, () -> session.client().getKVClient().txn()
                .Then(Op.delete(own, prefix), Op.delete(nested, prefix)).commit()).thenApply(r -> null);
    }

    /** @return the names of an area's member directories ({@code <area>/<name>~/<member>}) holding a member */
    private CompletableFuture<SortedSet<String>> names(String what, String area) {
        String dir = session.keys().base() + area + "/";
        return keysUnder(what, dir).thenApply(keys -> {
            SortedSet<String> names = new TreeSet<>();
            for (String key : keys) {
                int mark = key.indexOf(MARK, dir.length());
                if (mark > dir.length()) {
                    names.add(key.substring(dir.length(), mark));
                }
            }
            return names;
        });
    }

    private CompletableFuture<List<String>> keysUnder(String what, String prefix) {
        GetOption keysOnly = GetOption.builder().isPrefix(true).withKeysOnly(true).build();
        return session.call(what, prefix, () -> session.client().getKVClient().get(Keys.bytes(prefix), keysOnly))
                .thenApply(r -> r.getKvs().stream().map(KeyValue::getKey)
                        .map(k -> k.toString(StandardCharsets.UTF_8)).toList());
    }
}
