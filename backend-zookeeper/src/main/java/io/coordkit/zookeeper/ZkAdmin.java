package io.coordkit.zookeeper;

import io.coordkit.spi.AdminBackend;
import io.coordkit.spi.Futures;
import io.coordkit.spi.LockKind;
import org.apache.zookeeper.KeeperException.Code;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Lists names in use and removes namespaces, from the layout of {@link Paths}: a service is a registry directory
 * holding an {@code instance~} node, a lock a lock directory holding a lease node, an election an election
 * directory holding a {@code candidate~} node, and a namespace a node {@code /coordkit/<namespace>~}. Every read
 * is a background {@code getChildren}, one per directory.
 */
final class ZkAdmin implements AdminBackend {

    private final ZkSession session;
    private final Paths paths;
    private final String namespace;

    ZkAdmin(ZkSession session, String namespace) {
        this.session = session;
        this.paths = session.paths();
        this.namespace = namespace;
    }

    @Override
    public CompletableFuture<SortedSet<String>> services() {
        return namesHolding(paths.service(""), child -> child.startsWith(Paths.INSTANCE), "list of services");
    }

    @Override
    public CompletableFuture<SortedSet<String>> locks() {
        Predicate<String> lease = child -> child.indexOf(Paths.MARK) >= 0;
        List<CompletableFuture<SortedSet<String>>> kinds = new ArrayList<>();
        for (LockKind kind : new LockKind[]{LockKind.EXCLUSIVE, LockKind.READ, LockKind.SEMAPHORE}) {
            kinds.add(namesHolding(paths.lockDir(kind, ""), lease, "list of locks"));
        }
        return CompletableFuture.allOf(kinds.toArray(CompletableFuture[]::new)).thenApply(v -> {
            SortedSet<String> all = new TreeSet<>();
            kinds.forEach(k -> all.addAll(k.join()));
            return all;
        });
    }

    @Override
    public CompletableFuture<SortedSet<String>> elections() {
        return namesHolding(paths.election(""), child -> child.startsWith(Paths.CANDIDATE), "list of elections");
    }

    @Override
    public CompletableFuture<SortedSet<String>> namespaces() {
        // Shared directories (no '~') lead to bases ('<name>~'); what is inside a base is not walked.
        return walk(Paths.ROOT, path -> path.indexOf(Paths.MARK) < 0, "list of namespaces").thenApply(tree -> {
            SortedSet<String> names = new TreeSet<>();
            tree.forEach((dir, children) -> {
                for (String child : children) {
                    if (child.endsWith(String.valueOf(Paths.MARK))) {
                        String path = Paths.child(dir, child);
                        names.add(path.substring(Paths.ROOT.length() + 1, path.length() - 1));
                    }
                }
            });
            return names;
        });
    }

    @Override
    public CompletableFuture<Void> deleteNamespace() {
        String what = "removal of namespace '" + namespace + "'";
        String nested = Paths.ROOT + "/" + namespace; // the directory of the namespaces nested in this one
        CompletableFuture<Map<String, List<String>>> base = walk(paths.base(), p -> true, what);
        CompletableFuture<Map<String, List<String>>> inner = walk(nested, p -> true, what);
        return base.thenCombine(inner, (a, b) -> {
            List<String> nodes = new ArrayList<>(a.keySet());
            nodes.addAll(b.keySet());
            return nodes;
        }).thenCompose(nodes -> deleteDeepestFirst(nodes, what))
                .thenCompose(v -> deleteEmptyAncestors(nested, what));
    }

    /** Deletes the nodes, every level after the one below it (a parent only once its children are gone). */
    private CompletableFuture<Void> deleteDeepestFirst(List<String> nodes, String what) {
        Map<Integer, List<String>> byDepth = new TreeMap<>(Comparator.reverseOrder());
        for (String n : nodes) {
            byDepth.computeIfAbsent(depth(n), d -> new ArrayList<>()).add(n);
        }
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        for (List<String> level : byDepth.values()) {
            done = done.thenCompose(v -> CompletableFuture.allOf(level.stream().map(n -> delete(n, what))
                    .toArray(CompletableFuture[]::new)));
        }
        return done;
    }

    /** Removes the shared directories above a removed namespace that are empty now (never {@link Paths#ROOT}). */
    private CompletableFuture<Void> deleteEmptyAncestors(String dir, String what) {
        if (dir.equals(Paths.ROOT) || !dir.startsWith(Paths.ROOT + "/")) {
            return CompletableFuture.completedFuture(null);
        }
        return session.ops().delete(dir, -1, what).thenCompose(e -> {
            Code code = Async.code(e);
            if (code == Code.NOTEMPTY) {
                return CompletableFuture.completedFuture(null);
            }
            if (code != Code.OK && code != Code.NONODE) {
                throw Errors.of(e, what);
            }
            return deleteEmptyAncestors(dir.substring(0, dir.lastIndexOf('/')), what);
        });
    }

    private CompletableFuture<Void> delete(String path, String what) {
        return session.ops().delete(path, -1, what).thenApply(e -> {
            Code code = Async.code(e);
            if (code != Code.OK && code != Code.NONODE) {
                throw Errors.of(e, what);
            }
            return null;
        });
    }

    private static int depth(String path) {
        return (int) path.chars().filter(c -> c == '/').count();
    }

    /**
     * @param area   an area's root, e.g. the registry's
     * @param member which children make their directory a name
     * @param what   for messages
     * @return the names (paths below the area) of the directories holding such a child
     */
    private CompletableFuture<SortedSet<String>> namesHolding(String area, Predicate<String> member, String what) {
        // member nodes hold nothing below them: only directories (no '~' in their name) are walked
        return walk(area, path -> path.substring(path.lastIndexOf('/') + 1).indexOf(Paths.MARK) < 0, what)
                .thenApply(tree -> {
                    SortedSet<String> names = new TreeSet<>();
                    tree.forEach((dir, children) -> {
                        if (!dir.equals(area) && children.stream().anyMatch(member)) {
                            names.add(dir.substring(area.length() + 1));
                        }
                    });
                    return names;
                });
    }

    /**
     * Lists the children of {@code root} and, recursively, of every child {@code descend} accepts.
     *
     * @return every node listed, with its children; empty if {@code root} does not exist
     */
    private CompletableFuture<Map<String, List<String>>> walk(String root, Predicate<String> descend, String what) {
        CompletableFuture<Map<String, List<String>>> result = new CompletableFuture<>();
        Map<String, List<String>> tree = new ConcurrentHashMap<>();
        AtomicInteger pending = new AtomicInteger();
        visit(root, descend, what, tree, pending, result);
        return result;
    }

    private void visit(String path, Predicate<String> descend, String what, Map<String, List<String>> tree,
                       AtomicInteger pending, CompletableFuture<Map<String, List<String>>> result) {
        pending.incrementAndGet();
        session.ops().children(path, what).whenComplete((e, t) -> {
            if (t != null) {
                result.completeExceptionally(Futures.unwrap(t));
            } else if (Async.code(e) == Code.OK) {
                tree.put(path, List.copyOf(e.getChildren()));
                if (!result.isDone()) {
                    for (String child : e.getChildren()) {
                        String p = Paths.child(path, child);
                        if (descend.test(p)) {
                            visit(p, descend, what, tree, pending, result);
                        }
                    }
                }
            } else if (Async.code(e) != Code.NONODE) {
                result.completeExceptionally(Errors.of(e, what));
            }
            if (pending.decrementAndGet() == 0) {
                result.complete(new TreeMap<>(tree));
            }
        });
    }
}
