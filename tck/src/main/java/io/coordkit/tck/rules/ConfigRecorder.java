package io.coordkit.tck.rules;

import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A config watch listener that records every event with the time it arrived and the thread that delivered it, and
 * notices calls that overlap (SPI-7) or run on the test's own thread. Can throw on chosen events, to check that a
 * failing listener does not stop later calls.
 */
final class ConfigRecorder implements ConfigListener {

    /** One delivered event. */
    record Received(ConfigEvent event, long atNanos, String thread) {
    }

    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final Thread testThread = Thread.currentThread();
    private volatile boolean calledOnTestThread;
    private volatile int throwOnEvent = -1;

    /** @param index make the listener throw on the event of this index (0-based) */
    void throwOn(int index) {
        this.throwOnEvent = index;
    }

    @Override
    public void onEvent(ConfigEvent event) {
        if (inFlight.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        if (Thread.currentThread() == testThread) {
            calledOnTestThread = true;
        }
        int index;
        try {
            synchronized (received) {
                received.add(new Received(event, System.nanoTime(), Thread.currentThread().getName()));
                index = received.size() - 1;
            }
            // Stretch each call a little, so that a backend that delivers concurrently is caught.
            Thread.onSpinWait();
        } finally {
            inFlight.decrementAndGet();
        }
        if (index == throwOnEvent) {
            throw new IllegalStateException("listener failure injected by the TCK (SPI-7)");
        }
    }

    List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    List<ConfigEvent> events() {
        List<ConfigEvent> events = new ArrayList<>();
        for (Received r : received()) {
            events.add(r.event());
        }
        return events;
    }

    int size() {
        synchronized (received) {
            return received.size();
        }
    }

    long resyncCount() {
        return events().stream().filter(e -> e.type() == ConfigEvent.Type.RESYNC).count();
    }

    int overlaps() {
        return overlaps.get();
    }

    boolean calledOnTestThread() {
        return calledOnTestThread;
    }

    /**
     * @return the watcher's view: its last RESYNC with the events after it applied, key to version and value
     */
    SortedMap<String, Entry> view() {
        SortedMap<String, Entry> view = new TreeMap<>();
        for (ConfigEvent e : events()) {
            switch (e.type()) {
                case RESYNC:
                    view.clear();
                    for (Map.Entry<String, Versioned<byte[]>> s : e.snapshot().entrySet()) {
                        view.put(s.getKey(), new Entry(s.getValue().version(), s.getValue().value()));
                    }
                    break;
                case PUT:
                    view.put(e.key(), new Entry(e.version(), e.value().orElseThrow()));
                    break;
                case DELETE:
                    view.remove(e.key());
                    break;
                default:
                    throw new IllegalStateException("unknown event type " + e.type());
            }
        }
        return view;
    }

    /**
     * @param store what {@code list(prefix)} returned
     * @return the same content as view entries
     */
    static SortedMap<String, Entry> asView(SortedMap<String, Versioned<byte[]>> store) {
        SortedMap<String, Entry> view = new TreeMap<>();
        store.forEach((k, v) -> view.put(k, new Entry(v.version(), v.value())));
        return view;
    }

    /**
     * Checks CFG-6 on what was received: a RESYNC first; for each key, PUT versions strictly greater and DELETE
     * versions not smaller than the last version seen for it (a RESYNC resets what was seen).
     *
     * @return the violations, empty if none
     */
    List<String> orderViolations() {
        List<String> violations = new ArrayList<>();
        List<ConfigEvent> events = events();
        if (events.isEmpty() || events.get(0).type() != ConfigEvent.Type.RESYNC) {
            violations.add("the first event is not a RESYNC: " + (events.isEmpty() ? "no event" : events.get(0)));
        }
        Map<String, Long> last = new TreeMap<>();
        for (int i = 0; i < events.size(); i++) {
            ConfigEvent e = events.get(i);
            if (e.type() == ConfigEvent.Type.RESYNC) {
                e.snapshot().forEach((k, v) -> {
                    Long before = last.get(k);
                    if (before != null && v.version() < before) {
                        violations.add("RESYNC #" + (i) + " shows " + k + " @" + v.version()
                                + ", older than @" + before + " seen before");
                    }
                });
                for (Map.Entry<String, Versioned<byte[]>> s : e.snapshot().entrySet()) {
                    last.put(s.getKey(), s.getValue().version());
                }
                continue;
            }
            Long before = last.get(e.key());
            boolean backwards = before != null && (e.type() == ConfigEvent.Type.PUT ? e.version() <= before
                    : e.version() < before);
            if (backwards) {
                violations.add("event #" + i + " " + e + " after version @" + before + " of the same key");
            }
            last.put(e.key(), e.version());
        }
        return violations;
    }

    @Override
    public String toString() {
        List<ConfigEvent> events = events();
        return events.size() + " events: " + (events.size() <= 30 ? events
                : events.subList(0, 10) + " ... " + events.subList(events.size() - 10, events.size()));
    }

    /** A key's value and version in a view. */
    static final class Entry {
        final long version;
        final byte[] value;

        Entry(long version, byte[] value) {
            this.version = version;
            this.value = value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry other && other.version == version && Arrays.equals(other.value, value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "@" + version + "(" + value.length + " bytes)";
        }
    }
}
