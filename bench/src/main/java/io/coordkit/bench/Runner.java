package io.coordkit.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Measures the sides of a row against the same server in the same run, alternating them so that each faces the
 * same noise: a warm-up of every side (alternating too), then rounds in which every side runs a batch, the order
 * rotating from round to round. Latencies go into one HdrHistogram per side.
 */
final class Runner {

    private final Settings settings;
    private final Progress progress;

    Runner(Settings settings, Progress progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Where a run reports what it is doing. */
    interface Progress {
        void say(String line);
    }

    /**
     * Measures one operation per side, one client at a time.
     *
     * @param variants the sides
     * @param batch    operations per side per round
     * @return the stats per side
     */
    Map<Role, Stats> latency(String what, List<Variant> variants, int batch) throws Exception {
        Map<Role, Histogram> hist = new EnumMap<>(Role.class);
        Map<Role, long[]> total = new EnumMap<>(Role.class);
        for (Variant v : variants) {
            hist.put(v.role(), newHistogram());
            total.put(v.role(), new long[1]);
        }
        int warm = Math.max(1, settings.warmup() * batch / Math.max(1, settings.batch()));
        long roundNanos = settings.roundTime().toNanos();
        long warmEnd = System.nanoTime() + settings.warmupTime().toNanos() * variants.size();
        for (int i = 0; i < warm && System.nanoTime() < warmEnd; i++) {
            for (Variant v : variants) {
                v.timed().run();
            }
        }
        for (int round = 0; round < settings.rounds(); round++) {
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((round + k) % variants.size());
                Histogram h = hist.get(v.role());
                long sum = 0;
                long end = System.nanoTime() + roundNanos;
                for (int i = 0; i < batch && (i == 0 || System.nanoTime() < end); i++) {
                    long ns = v.timed().run();
                    h.recordValue(Math.max(1, ns));
                    sum += ns;
                }
                total.get(v.role())[0] += sum;
            }
        }
        return summarize(what, variants, hist, total);
    }

    /**
     * Measures long operations (seconds each, such as a leader takeover) a few times per side, the sides
     * alternating in a rotating order, without a warm-up: what they wait for (a TTL) dwarfs the JIT.
     *
     * @param count operations per side
     * @return the stats per side
     */
    Map<Role, Stats> episodes(String what, List<Variant> variants, int count) throws Exception {
        Map<Role, Histogram> hist = new EnumMap<>(Role.class);
        Map<Role, long[]> total = new EnumMap<>(Role.class);
        for (Variant v : variants) {
            hist.put(v.role(), newHistogram());
            total.put(v.role(), new long[1]);
        }
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((i + k) % variants.size());
                long ns = v.timed().run();
                hist.get(v.role()).recordValue(Math.max(1, ns));
                total.get(v.role())[0] += ns;
            }
        }
        return summarize(what, variants, hist, total);
    }

    /** @return each side's stats: its histogram, and its operations over the nanoseconds they took */
    private Map<Role, Stats> summarize(String what, List<Variant> variants, Map<Role, Histogram> hist,
                                       Map<Role, long[]> total) {
        Map<Role, Stats> out = new EnumMap<>(Role.class);
        for (Variant v : variants) {
            Histogram h = hist.get(v.role());
            double perSecond = h.getTotalCount() * 1e9 / Math.max(1, total.get(v.role())[0]);
            out.put(v.role(), Stats.of(v.role(), v.label(), h, perSecond, -1));
        }
        progress.say(what + ": " + describe(out));
        return out;
    }

    /** One side of a contended row: a lock cycle per contender, each with its own session. */
    record Contended(Role role, String label, IntFunction<Variant.Op> cycleOf) {
    }

    /**
     * Measures lock cycles of {@code contenders} clients at once, each looping over its own cycle, per side.
     *
     * @param notifications server-side notifications so far, or null where the engine does not tell
     */
    Map<Role, Stats> contended(String what, List<Contended> sides, int contenders, LongSupplier notifications)
            throws Exception {
        Map<Role, Histogram> hist = new EnumMap<>(Role.class);
        Map<Role, long[]> cycles = new EnumMap<>(Role.class);
        Map<Role, long[]> nanos = new EnumMap<>(Role.class);
        Map<Role, long[]> notes = new EnumMap<>(Role.class);
        for (Contended c : sides) {
            hist.put(c.role(), newHistogram());
            cycles.put(c.role(), new long[1]);
            nanos.put(c.role(), new long[1]);
            notes.put(c.role(), new long[1]);
        }
        // a third of a round, and 50 ms per contender: 64 contenders are 64 sessions and threads whose waiting and
        // hand-off paths must be compiled (in a fresh JVM coordkit's 64-contender throughput doubled over its first
        // 6 s)
        Duration warm = settings.contendedFor().dividedBy(3);
        if (warm.compareTo(Duration.ofMillis(50L * contenders)) < 0) {
            warm = Duration.ofMillis(50L * contenders);
        }
        for (Contended c : sides) {
            runContended(c, contenders, warm, newHistogram());
        }
        for (int round = 0; round < settings.contendedRounds(); round++) {
            for (int k = 0; k < sides.size(); k++) {
                Contended c = sides.get((round + k) % sides.size());
                long n0 = notifications != null ? notifications.getAsLong() : 0;
                long[] r = runContended(c, contenders, settings.contendedFor(), hist.get(c.role()));
                long n1 = notifications != null ? notifications.getAsLong() : 0;
                cycles.get(c.role())[0] += r[0];
                nanos.get(c.role())[0] += r[1];
                notes.get(c.role())[0] += n1 - n0;
            }
        }
        Map<Role, Stats> out = new EnumMap<>(Role.class);
        for (Contended c : sides) {
            long n = cycles.get(c.role())[0];
            double perSecond = n * 1e9 / Math.max(1, nanos.get(c.role())[0]);
            double perRelease = notifications == null || n == 0 ? -1 : (double) notes.get(c.role())[0] / n;
            out.put(c.role(), Stats.of(c.role(), c.label(), hist.get(c.role()), perSecond, perRelease));
        }
        progress.say(what + ": " + describe(out));
        return out;
    }

    /** @return {cycles, elapsed nanos} */
    private static long[] runContended(Contended c, int contenders, Duration duration, Histogram into)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong count = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        List<Histogram> locals = new ArrayList<>();
        long[] deadline = new long[1];
        for (int i = 0; i < contenders; i++) {
            Variant.Op op = c.cycleOf().apply(i);
            Histogram local = newHistogram();
            locals.add(local);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    while (System.nanoTime() < deadline[0]) {
                        long t0 = System.nanoTime();
                        op.run();
                        local.recordValue(Math.max(1, System.nanoTime() - t0));
                        count.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-contender-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + duration.toNanos();
        start.countDown();
        for (Thread t : threads) {
            t.join(duration.toMillis() + 60_000);
            if (t.isAlive()) {
                throw new IllegalStateException(c.label() + ": a contender did not finish its cycle within 60 s");
            }
        }
        long elapsed = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw new IllegalStateException(c.label() + " failed under contention", failure.get());
        }
        for (Histogram h : locals) {
            into.add(h);
        }
        return new long[] {count.get(), elapsed};
    }

    static Histogram newHistogram() {
        return new Histogram(TimeUnit.MINUTES.toNanos(2), 3);
    }

    private static String describe(Map<Role, Stats> out) {
        StringBuilder sb = new StringBuilder();
        for (Stats s : out.values()) {
            if (sb.length() > 0) {
                sb.append(" | ");
            }
            sb.append(String.format(s.perSecond() < 10 ? "%s p50 %.0f us, %.2f/s" : "%s p50 %.0f us, %.0f/s",
                    s.role().name().toLowerCase(), s.p50Micros(), s.perSecond()));
        }
        return sb.toString();
    }
}
