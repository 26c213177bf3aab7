package io.coordkit.tck.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks what one config watcher received against the writes made and the final store (SPEC.md CFG-6, CFG-7,
 * CFG-8, CFG-11).
 *
 * <p>Input: the events the watcher received, in the order received; the writes the clients made (acknowledged
 * ones with the version the engine returned, and writes whose outcome is unknown, e.g. timed out, as
 * <em>possibly committed</em>); and the store's content under the watched prefix once writes stopped and the
 * watcher caught up. Values are text (decode a byte value as UTF-8, or render it in any one-to-one way, the same
 * for events and writes).
 *
 * <h2>Rules checked</h2>
 * <ul>
 *   <li>CFG-6: the first event is a RESYNC. For each key, versions never go backwards and no event repeats an older
 *   state: a PUT needs a version greater than every version seen for the key; a DELETE may carry the version of
 *   the state it deletes (engines that give deletes no version of their own), never less; a RESYNC entry may
 *   restate the current state of a key, never an older one. Every PUT (and RESYNC entry) matches the key, value
 *   and version of a write, or the key and value of a possibly committed write whose version is unknown; every
 *   DELETE matches a delete of its key.</li>
 *   <li>CFG-7 (and CFG-8): the watcher's final view, its last RESYNC with the events after it, equals the
 *   store.</li>
 *   <li>CFG-11, only with {@link #requireEveryVersion()}: every acknowledged version of every key was delivered,
 *   except those a RESYNC covers (versions older than what the RESYNC shows, and for a key absent from a RESYNC,
 *   versions up to its deletion).</li>
 * </ul>
 *
 * <h2>Measurements</h2>
 * {@code events}, {@code resyncs}, {@code puts}, {@code deletes}, {@code acknowledgedVersions} (distinct
 * acknowledged versions with a known number) and {@code skippedVersions}: acknowledged versions the watcher never
 * received and no RESYNC covers (coalesced changes; a violation only with {@link #requireEveryVersion()}).
 * Immutable and thread-safe.
 */
public final class WatchChecker {

    /** {@link Write#version()} of a write whose version is unknown. */
    public static final long UNKNOWN_VERSION = -1;

    /** The kind of a watch event. */
    public enum Type {
        /** The full state under the watched prefix. */
        RESYNC,
        /** A key was created or changed. */
        PUT,
        /** A key was deleted. */
        DELETE
    }

    /**
     * A value with its version, as in a RESYNC snapshot or the final store.
     *
     * @param value   the value
     * @param version its version
     */
    public record Entry(String value, long version) {
        /** Checks the arguments. */
        public Entry {
            Objects.requireNonNull(value, "value");
            if (version < 0) {
                throw new IllegalArgumentException("version must be >= 0, was " + version);
            }
        }

        @Override
        public String toString() {
            return Fmt.quote(value) + " @" + version;
        }
    }

    /**
     * One event the watcher received.
     *
     * @param type       the type
     * @param key        the key of a PUT or DELETE; the watched prefix of a RESYNC
     * @param value      the value of a PUT; {@code null} otherwise
     * @param version    the version of a PUT or DELETE; -1 for a RESYNC
     * @param snapshot   the content of a RESYNC; empty otherwise
     * @param receivedAt when the listener was called
     */
    public record Event(Type type, String key, String value, long version, SortedMap<String, Entry> snapshot,
                        long receivedAt) implements Recorded {

        /** Checks and copies the arguments. */
        public Event {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(key, "key");
            snapshot = Collections.unmodifiableSortedMap(new TreeMap<>(snapshot));
            if ((type == Type.PUT) != (value != null)) {
                throw new IllegalArgumentException("a PUT, and only a PUT, has a value");
            }
            if (type == Type.RESYNC ? version != -1 : version < 0) {
                throw new IllegalArgumentException("version must be -1 for a RESYNC and >= 0 otherwise, was "
                        + version + " for " + type);
            }
            if (type != Type.RESYNC && !snapshot.isEmpty()) {
                throw new IllegalArgumentException("only a RESYNC has a snapshot");
            }
        }

        /**
         * @param key        the key
         * @param value      its new value
         * @param version    its new version
         * @param receivedAt when the listener was called
         * @return a PUT event
         */
        public static Event put(String key, String value, long version, long receivedAt) {
            return new Event(Type.PUT, key, Objects.requireNonNull(value, "value"), version,
                    Collections.emptySortedMap(), receivedAt);
        }

        /**
         * @param key        the key
         * @param version    the version the event carries
         * @param receivedAt when the listener was called
         * @return a DELETE event
         */
        public static Event delete(String key, long version, long receivedAt) {
            return new Event(Type.DELETE, key, null, version, Collections.emptySortedMap(), receivedAt);
        }

        /**
         * @param prefix     the watched prefix
         * @param snapshot   every key under it with its value and version
         * @param receivedAt when the listener was called
         * @return a RESYNC event
         */
        public static Event resync(String prefix, Map<String, Entry> snapshot, long receivedAt) {
            return new Event(Type.RESYNC, prefix, null, -1, new TreeMap<>(snapshot), receivedAt);
        }

        @Override
        public String describe(long origin) {
            String what = switch (type) {
                case PUT -> "PUT " + key + "=" + Fmt.quote(value) + " @" + version;
                case DELETE -> "DELETE " + key + " @" + version;
                case RESYNC -> "RESYNC " + Fmt.quote(key) + " {" + Fmt.list(snapshot.entrySet(), 5,
                        e -> e.getKey() + "=" + e.getValue()) + "}";
            };
            return what + " received " + Fmt.time(receivedAt, origin);
        }

        @Override
        public String toString() {
            return describe(0);
        }
    }

    /**
     * A write a client made.
     *
     * @param key          the key
     * @param value        the value written; {@code null} for a delete
     * @param version      the version the engine returned, or {@link #UNKNOWN_VERSION}
     * @param acknowledged true if the write succeeded; false if its outcome is unknown (possibly committed)
     */
    public record Write(String key, String value, long version, boolean acknowledged) {

        /** Checks the arguments. */
        public Write {
            Objects.requireNonNull(key, "key");
            if (version < 0 && version != UNKNOWN_VERSION) {
                throw new IllegalArgumentException("version must be >= 0 or UNKNOWN_VERSION, was " + version);
            }
        }

        /**
         * @param key     the key
         * @param value   the value
         * @param version the version returned
         * @return an acknowledged put (or successful compare-and-set)
         */
        public static Write put(String key, String value, long version) {
            return new Write(key, Objects.requireNonNull(value, "value"), version, true);
        }

        /**
         * @param key the key
         * @return an acknowledged delete whose version is unknown
         */
        public static Write delete(String key) {
            return new Write(key, null, UNKNOWN_VERSION, true);
        }

        /**
         * @param key     the key
         * @param version the version of the delete
         * @return an acknowledged delete with a known version
         */
        public static Write delete(String key, long version) {
            return new Write(key, null, version, true);
        }

        /**
         * @param key   the key
         * @param value the value
         * @return a put whose outcome is unknown (timed out or failed ambiguously)
         */
        public static Write maybePut(String key, String value) {
            return new Write(key, Objects.requireNonNull(value, "value"), UNKNOWN_VERSION, false);
        }

        /**
         * @param key the key
         * @return a delete whose outcome is unknown
         */
        public static Write maybeDelete(String key) {
            return new Write(key, null, UNKNOWN_VERSION, false);
        }

        /** @return true for a delete */
        public boolean isDelete() {
            return value == null;
        }

        @Override
        public String toString() {
            return (acknowledged ? "" : "possibly committed ") + (isDelete() ? "delete " + key : "put " + key + "="
                    + Fmt.quote(value)) + (version == UNKNOWN_VERSION ? "" : " @" + version);
        }
    }

    private final boolean everyVersion;

    /** A checker that allows coalesced versions (CFG-6). */
    public WatchChecker() {
        this(false);
    }

    private WatchChecker(boolean everyVersion) {
        this.everyVersion = everyVersion;
    }

    /** @return a checker that also requires every acknowledged version to be delivered (CFG-11) */
    public WatchChecker requireEveryVersion() {
        return new WatchChecker(true);
    }

    /** One thing the watcher learnt about a key: a version, or (from a RESYNC) that the key was absent. */
    private record Observation(int index, Event event, long version, boolean fromResync) {
        static final long ABSENT = Long.MIN_VALUE;
    }

    /**
     * Checks one watcher's events.
     *
     * @param events     the events, in the order the watcher received them
     * @param writes     every write to keys under the watched prefix, acknowledged or possibly committed, including
     *                   writes made before the watch started
     * @param finalStore the store's content under the prefix after writes stopped and the watcher caught up
     * @return the verdict, with the measurements described in the class documentation
     */
    public CheckResult check(List<Event> events, Collection<Write> writes, Map<String, Entry> finalStore) {
        long origin = Fmt.origin(events.stream().mapToLong(Event::receivedAt).toArray());
        CheckResult.Builder result = new CheckResult.Builder("WatchChecker");
        Map<String, List<Write>> writesByKey = new HashMap<>();
        writes.forEach(w -> writesByKey.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(w));
        SortedSet<String> keys = new TreeSet<>(writesByKey.keySet());
        keys.addAll(finalStore.keySet());
        for (Event e : events) {
            if (e.type() == Type.RESYNC) {
                keys.addAll(e.snapshot().keySet());
            } else {
                keys.add(e.key());
            }
        }

        Map<String, Entry> view = new HashMap<>();
        Map<String, Observation> highest = new HashMap<>();
        Map<String, List<Observation>> observations = new HashMap<>();
        int resyncs = 0;
        int puts = 0;
        int deletes = 0;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            String at = "event #" + i + " (" + e.describe(origin) + ")";
            if (i == 0 && e.type() != Type.RESYNC) {
                result.violation("CFG-6", "the first event is not a RESYNC: " + at);
            }
            switch (e.type()) {
                case RESYNC -> {
                    resyncs++;
                    for (Map.Entry<String, Entry> entry : e.snapshot().entrySet()) {
                        String key = entry.getKey();
                        Entry state = entry.getValue();
                        Observation seen = highest.get(key);
                        if (seen != null && (state.version() < seen.version() || state.version() == seen.version()
                                && !state.equals(view.get(key)))) {
                            result.violation("CFG-6", at + " shows " + key + "=" + state
                                    + (state.version() < seen.version() ? ", older than " : ", repeating the version of ")
                                    + describe(seen, origin));
                        }
                        checkWritten(key, state.value(), state.version(), writesByKey, "its entry " + key + "="
                                + state, at, result);
                    }
                    view = new HashMap<>(e.snapshot());
                    for (String key : keys) {
                        Entry state = e.snapshot().get(key);
                        observe(new Observation(i, e, state == null ? Observation.ABSENT : state.version(), true),
                                key, highest, observations);
                    }
                }
                case PUT -> {
                    puts++;
                    Observation seen = highest.get(e.key());
                    if (seen != null && e.version() <= seen.version()) {
                        result.violation("CFG-6", at + (e.version() < seen.version() ? " goes backwards from "
                                : " repeats a state already seen: ") + describe(seen, origin));
                    }
                    checkWritten(e.key(), e.value(), e.version(), writesByKey, "it", at, result);
                    view.put(e.key(), new Entry(e.value(), e.version()));
                    observe(new Observation(i, e, e.version(), false), e.key(), highest, observations);
                }
                case DELETE -> {
                    deletes++;
                    Observation seen = highest.get(e.key());
                    if (seen != null && (e.version() < seen.version()
                            || e.version() == seen.version() && !view.containsKey(e.key()))) {
                        result.violation("CFG-6", at + (e.version() < seen.version() ? " goes backwards from "
                                : " repeats a delete already seen: ") + describe(seen, origin));
                    }
                    if (writesByKey.getOrDefault(e.key(), List.of()).stream().noneMatch(Write::isDelete)) {
                        result.violation("CFG-6", at + " matches no delete of " + e.key() + " (writes of the key: "
                                + Fmt.list(writesByKey.getOrDefault(e.key(), List.of()), 5, Write::toString) + ")");
                    }
                    view.remove(e.key());
                    observe(new Observation(i, e, e.version(), false), e.key(), highest, observations);
                }
            }
        }

        checkFinalView(view, finalStore, events.size(), result);
        long acknowledged = 0;
        long skipped = 0;
        for (String key : keys) {
            SortedSet<Long> versions = new TreeSet<>();
            for (Write w : writesByKey.getOrDefault(key, List.of())) {
                if (w.acknowledged() && w.version() != UNKNOWN_VERSION) {
                    versions.add(w.version());
                }
            }
            acknowledged += versions.size();
            skipped += countSkipped(key, versions, observations.getOrDefault(key, List.of()),
                    writesByKey.getOrDefault(key, List.of()), origin, result);
        }
        result.measure("events", events.size()).measure("resyncs", resyncs).measure("puts", puts)
                .measure("deletes", deletes).measure("acknowledgedVersions", acknowledged)
                .measure("skippedVersions", skipped);
        return result.build(events.size() + " events (" + resyncs + " RESYNC) of " + keys.size() + " keys and "
                + writes.size() + " writes" + (everyVersion ? ", every version required" : ""));
    }

    private static void observe(Observation o, String key, Map<String, Observation> highest,
                                Map<String, List<Observation>> observations) {
        observations.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
        Observation seen = highest.get(key);
        if (o.version() != Observation.ABSENT && (seen == null || o.version() > seen.version())) {
            highest.put(key, o);
        }
    }

    private static String describe(Observation o, long origin) {
        return "event #" + o.index() + " (" + o.event().describe(origin) + ")";
    }

    private static void checkWritten(String key, String value, long version, Map<String, List<Write>> writesByKey,
                                     String what, String at, CheckResult.Builder result) {
        List<Write> ofKey = writesByKey.getOrDefault(key, List.of());
        for (Write w : ofKey) {
            if (value.equals(w.value()) && (w.version() == version || w.version() == UNKNOWN_VERSION)) {
                return;
            }
        }
        List<Write> puts = ofKey.stream().filter(w -> !w.isDelete()).toList();
        result.violation("CFG-6", at + ": " + what + " matches no acknowledged or possibly committed write ("
                + (puts.isEmpty() ? "no value was written to " + key : "writes of " + key + ": "
                + Fmt.list(puts, 8, Write::toString)) + ")");
    }

    private static void checkFinalView(Map<String, Entry> view, Map<String, Entry> store, int events,
                                       CheckResult.Builder result) {
        SortedSet<String> keys = new TreeSet<>(view.keySet());
        keys.addAll(store.keySet());
        List<String> differences = new ArrayList<>();
        for (String key : keys) {
            Entry seen = view.get(key);
            Entry stored = store.get(key);
            if (!Objects.equals(seen, stored)) {
                differences.add(key + ": watcher " + (seen == null ? "has none" : "has " + seen) + ", store "
                        + (stored == null ? "has none" : "has " + stored));
            }
        }
        if (!differences.isEmpty()) {
            result.violation("CFG-7", "after " + events + (events == 1 ? " event" : " events")
                    + " the watcher's view differs from the store in "
                    + differences.size() + (differences.size() == 1 ? " key: " : " keys: ")
                    + Fmt.list(differences, 10, d -> d));
        }
    }

    /**
     * Counts (and, with everyVersion, reports) the acknowledged versions of a key that the watcher jumped over
     * with an event; versions jumped over by a RESYNC are covered.
     */
    private long countSkipped(String key, SortedSet<Long> acknowledged, List<Observation> observations,
                              List<Write> writes, long origin, CheckResult.Builder result) {
        long skipped = 0;
        boolean started = false; // whether the watcher learnt anything of the key yet
        long covered = -1; // every acknowledged version up to this one was delivered or covered by a RESYNC
        boolean unknownDeleteVersion = writes.stream().anyMatch(w -> w.isDelete() && w.version() == UNKNOWN_VERSION);
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            if (o.version() == Observation.ABSENT) {
                // The key was deleted before this RESYNC, which covers the versions up to that delete.
                long next = Long.MAX_VALUE;
                for (int j = i + 1; j < observations.size() && next == Long.MAX_VALUE; j++) {
                    if (observations.get(j).version() != Observation.ABSENT) {
                        next = observations.get(j).version();
                    }
                }
                long limit = unknownDeleteVersion ? (next == Long.MAX_VALUE ? next : next - 1) : covered;
                for (Write w : writes) {
                    if (w.isDelete() && w.version() != UNKNOWN_VERSION && w.version() < next) {
                        limit = Math.max(limit, w.version());
                    }
                }
                covered = Math.max(covered, limit);
                started = true;
                continue;
            }
            if (covered == Long.MAX_VALUE) {
                break;
            }
            SortedSet<Long> jumped = o.version() > covered + 1 ? acknowledged.subSet(covered + 1, o.version())
                    : Collections.emptySortedSet();
            if (!jumped.isEmpty() && started && !o.fromResync()) {
                skipped += jumped.size();
                if (everyVersion) {
                    result.violation("CFG-11", key + ": acknowledged " + (jumped.size() == 1 ? "version " : "versions ")
                            + Fmt.list(jumped, 10, v -> "@" + v) + " never delivered: the watcher went from "
                            + (covered < 0 ? "nothing" : "@" + covered) + " to " + describe(o, origin));
                }
            }
            covered = Math.max(covered, o.version());
            started = true;
        }
        SortedSet<Long> after = covered == Long.MAX_VALUE ? Collections.emptySortedSet()
                : acknowledged.tailSet(covered + 1);
        if (!after.isEmpty()) {
            skipped += after.size();
            if (everyVersion) {
                Observation last = observations.isEmpty() ? null : observations.get(observations.size() - 1);
                result.violation("CFG-11", key + ": acknowledged " + (after.size() == 1 ? "version " : "versions ")
                        + Fmt.list(after, 10, v -> "@" + v) + " never delivered"
                        + (last == null ? "" : " after " + describe(last, origin)));
            }
        }
        return skipped;
    }
}
