package io.coordkit.tck.workload;

import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;

import io.coordkit.tck.check.CheckResult;
import io.coordkit.tck.check.WatchChecker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
public final class ConfigRecorder implements ConfigListener {

    /** One delivered event. */
    public record Received(ConfigEvent event, long atNanos, String thread) {
    }

    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final Thread testThread = Thread.currentThread();
    private volatile boolean calledOnTestThread;
    private volatile int throwOnEvent = -1;

    /** @param index make the listener throw on the event of this index (0-based) */
    public void throwOn(int index) {
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

    public List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    public List<ConfigEvent> events() {
        List<ConfigEvent> events = new ArrayList<>();
        for (Received r : received()) {
            events.add(r.event());
        }
        return events;
    }

    public int size() {
        synchronized (received) {
            return received.size();
        }
    }

    public long resyncCount() {
        return events().stream().filter(e -> e.type() == ConfigEvent.Type.RESYNC).count();
    }

    public int overlaps() {
        return overlaps.get();
    }

    public boolean calledOnTestThread() {
        return calledOnTestThread;
    }

    /**
     * @return the watcher's view: its last RESYNC with the events after it applied, key to version and value
     */
    public SortedMap<String, Entry> view() {
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
    public static SortedMap<String, Entry> asView(SortedMap<String, Versioned<byte[]>> store) {
        SortedMap<String, Entry> view = new TreeMap<>();
        store.forEach((k, v) -> view.put(k, new Entry(v.version(), v.value())));
        return view;
    }

    /** @return the events received, as the {@link WatchChecker} takes them (values decoded as UTF-8) */
    public List<WatchChecker.Event> checkerEvents() {
        List<WatchChecker.Event> out = new ArrayList<>();
        for (Received r : received()) {
            ConfigEvent e = r.event();
            switch (e.type()) {
                case PUT:
                    out.add(WatchChecker.Event.put(e.key(), e.valueAsString().orElseThrow(), e.version(), r.atNanos()));
                    break;
                case DELETE:
                    out.add(WatchChecker.Event.delete(e.key(), e.version(), r.atNanos()));
                    break;
                default:
                    Map<String, WatchChecker.Entry> snapshot = new TreeMap<>();
                    e.snapshot().forEach((k, v) -> snapshot.put(k, new WatchChecker.Entry(
                            new String(v.value(), StandardCharsets.UTF_8), v.version())));
                    out.add(WatchChecker.Event.resync(e.key(), snapshot, r.atNanos()));
            }
        }
        return out;
    }

    /**
     * Judges what was received with the {@link WatchChecker} (CFG-6, CFG-7 and, if asked, CFG-11).
     *
     * @param writes       every write under the watched prefix, including those before the watch started
     * @param store        what {@code list(prefix)} returned after the writes stopped and the watcher caught up
     * @param everyVersion true to require every version (CFG-11)
     * @return the verdict
     */
    public CheckResult check(Collection<WatchChecker.Write> writes, SortedMap<String, Versioned<byte[]>> store,
                      boolean everyVersion) {
        Map<String, WatchChecker.Entry> finalStore = new TreeMap<>();
        store.forEach((k, v) -> finalStore.put(k, new WatchChecker.Entry(new String(v.value(), StandardCharsets.UTF_8),
                v.version())));
        WatchChecker checker = everyVersion ? new WatchChecker().requireEveryVersion() : new WatchChecker();
        return checker.check(checkerEvents(), writes, finalStore);
    }

    @Override
    public String toString() {
        List<ConfigEvent> events = events();
        return events.size() + " events: " + (events.size() <= 30 ? events
                : events.subList(0, 10) + " ... " + events.subList(events.size() - 10, events.size()));
    }

    /** A key's value and version in a view. */
    public static final class Entry {
        final long version;
        final byte[] value;

        public Entry(long version, byte[] value) {
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
