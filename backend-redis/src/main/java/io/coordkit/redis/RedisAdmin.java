package io.coordkit.redis;

import io.coordkit.spi.AdminBackend;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Names in use and namespaces, from the key layout of {@link Keys}, found with {@code SCAN} on the master (never
 * {@code KEYS}, which blocks the server). A name counts only while something of a live session is in it: each
 * candidate name is checked by the script its primitive reads with (a service's live instances, an election's
 * leader, a lock's live holders and waiters), which also clears entries of dead sessions as those reads do.
 *
 * <p>A namespace is the part of a key between {@code coordkit:} and {@code ~:}. Session keys
 * ({@code <base>s:<sid>}) hold nothing of the user's: they neither make a namespace listed nor are they removed
 * by {@link #deleteNamespace()}, so the coordinators of a removed namespace keep their sessions (as on ZooKeeper,
 * where sessions are not in the tree) and lose what they held there.
 */
final class RedisAdmin implements AdminBackend {

    static final String ROOT = "coordkit:";
    private static final String MARK = "~:";
    /** Keys asked for per SCAN step; also how many are removed per UNLINK. */
    private static final int BATCH = 500;

    private final Link link;
    private final Keys keys;
    private final String namespace;
    private final RedisRegistry registry;
    private final RedisElections elections;

    RedisAdmin(Link link, Keys keys, String namespace, RedisRegistry registry, RedisElections elections) {
        this.link = link;
        this.keys = keys;
        this.namespace = namespace;
        this.registry = registry;
        this.elections = elections;
    }

    @Override
    public CompletableFuture<SortedSet<String>> services() {
        String area = keys.service("");
        return inUse("list of services", area + "*:o", key -> name(key, area),
                service -> registry.instances(service).thenApply(list -> !list.isEmpty()));
    }

    @Override
    public CompletableFuture<SortedSet<String>> locks() {
        String area = keys.base() + "lk:";
        // lk:<kind>:<name>:<h|q|w|c>; lk:n holds the counters of every lock
        return inUse("list of locks", area + "*:*:?", key -> {
            String rest = key.substring(area.length());
            int kind = rest.indexOf(':');
            int suffix = rest.lastIndexOf(':');
            return kind < 0 || suffix <= kind ? null : rest.substring(0, suffix);
        }, kindAndName -> {
            String stem = area + kindAndName;
            return link.evalAnyTime("list of locks", Scripts.LOCK_IN_USE, new String[] {stem + ":h", stem + ":w"})
                    .thenApply(r -> (Long) r.get(0) == 1);
        }).thenApply(kindsAndNames -> {
            SortedSet<String> names = new TreeSet<>();
            kindsAndNames.forEach(k -> names.add(k.substring(k.indexOf(':') + 1)));
            return names;
        });
    }

    @Override
    public CompletableFuture<SortedSet<String>> elections() {
        String area = keys.election("");
        return inUse("list of elections", area + "*:q", key -> name(key, area),
                election -> elections.leader(election).thenApply(leader -> leader.isPresent()));
    }

    @Override
    public CompletableFuture<SortedSet<String>> namespaces() {
        return scan("list of namespaces", ROOT + "*").thenApply(found -> {
            SortedSet<String> names = new TreeSet<>();
            for (String key : found) {
                int mark = userKeyMark(key);
                if (mark > 0) {
                    names.add(key.substring(ROOT.length(), mark));
                }
            }
            return names;
        });
    }

    @Override
    public CompletableFuture<Void> deleteNamespace() {
        String what = "removal of namespace '" + namespace + "'";
        // this namespace's keys, then those of the namespaces nested in it ('<ns>/...'); never '<ns>x~:'
        CompletableFuture<List<String>> own = scan(what, keys.base() + "*");
        CompletableFuture<List<String>> nested = scan(what, ROOT + namespace + "/*");
        return own.thenCombine(nested, (a, b) -> {
            List<String> doomed = new ArrayList<>();
            for (List<String> found : List.of(a, b)) {
                for (String key : found) {
                    if (userKeyMark(key) > 0) {
                        doomed.add(key);
                    }
                }
            }
            return doomed;
        }).thenCompose(doomed -> {
            CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
            for (int i = 0; i < doomed.size(); i += BATCH) {
                String[] batch = doomed.subList(i, Math.min(doomed.size(), i + BATCH)).toArray(String[]::new);
                done = done.thenCompose(v -> link.<Long>call(what, c -> c.unlink(batch)).thenApply(n -> null));
            }
            return done;
        });
    }

    /**
     * @return where the namespace of a key of the user's ends (the index of {@code ~:}), or -1 for a session key or
     *         a key not in coordkit's layout
     */
    private static int userKeyMark(String key) {
        int mark = key.indexOf(MARK);
        boolean sessionKey = mark >= 0 && key.startsWith("s:", mark + MARK.length());
        return mark > ROOT.length() && !sessionKey ? mark : -1;
    }

    /** @return the name between the area's prefix and the key's last {@code :suffix}, or null */
    private static String name(String key, String area) {
        int suffix = key.lastIndexOf(':');
        return key.startsWith(area) && suffix > area.length() ? key.substring(area.length(), suffix) : null;
    }

    /**
     * @param pattern the keys that may belong to a name in use
     * @param nameOf  the name of such a key, or null if it is none
     * @param inUse   whether a name is in use, by its primitive's own read
     * @return the names in use
     */
    private CompletableFuture<SortedSet<String>> inUse(String what, String pattern, Function<String, String> nameOf,
                                                       Function<String, CompletableFuture<Boolean>> inUse) {
        return scan(what, pattern).thenCompose(found -> {
            SortedSet<String> candidates = new TreeSet<>();
            for (String key : found) {
                String name = nameOf.apply(key);
                if (name != null) {
                    candidates.add(name);
                }
            }
            Set<String> used = ConcurrentHashMap.newKeySet();
            CompletableFuture<?>[] checks = candidates.stream()
                    .map(name -> inUse.apply(name).thenAccept(yes -> {
                        if (yes) {
                            used.add(name);
                        }
                    })).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(checks).thenApply(v -> new TreeSet<>(used));
        });
    }

    /** @return every key matching the pattern (each once; SCAN may return a key twice) */
    private CompletableFuture<List<String>> scan(String what, String pattern) {
        Set<String> found = ConcurrentHashMap.newKeySet();
        return scanFrom(what, pattern, ScanCursor.INITIAL, found).thenApply(v -> new ArrayList<>(new TreeSet<>(found)));
    }

    private CompletableFuture<Void> scanFrom(String what, String pattern, ScanCursor cursor, Set<String> found) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(BATCH);
        return link.<KeyScanCursor<String>>call(what, c -> c.scan(cursor, args)).thenCompose(step -> {
            found.addAll(step.getKeys());
            return step.isFinished() ? CompletableFuture.completedFuture(null)
                    : scanFrom(what, pattern, step, found);
        });
    }
}
