package io.coordkit.tck.check;

import io.coordkit.DurationText;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Locale;
import java.util.function.Function;

/** Formatting of times, durations and lists in violation messages. */
final class Fmt {

    /** Marks an interval that has not ended, or an operation that never returned. */
    static final long OPEN = Long.MAX_VALUE;

    private Fmt() {
    }

    /**
     * @param time   a time in nanoseconds
     * @param origin the time shown as zero
     * @return the time relative to origin in milliseconds, e.g. {@code +12.500ms}
     */
    static String time(long time, long origin) {
        if (time == OPEN) {
            return "never";
        }
        return String.format(Locale.ROOT, "%+.3fms", (time - origin) / 1e6);
    }

    /**
     * @param nanos a duration in nanoseconds
     * @return it in milliseconds, e.g. {@code 12.500ms}
     */
    static String duration(long nanos) {
        return DurationText.format(Duration.ofNanos(nanos), ChronoUnit.MILLIS, 3);
    }

    /** @return a string quoted for a message, or {@code null} */
    static String quote(String s) {
        return s == null ? "null" : "'" + s + "'";
    }

    /**
     * @return at most {@code limit} items joined by ", ", with "and N more" when some were left out
     */
    static <T> String list(Collection<T> items, int limit, Function<? super T, String> show) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (T item : items) {
            if (i == limit) {
                sb.append(" and ").append(items.size() - limit).append(" more");
                break;
            }
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(show.apply(item));
            i++;
        }
        return sb.toString();
    }

    /** @return the smallest time among the given ones that is not {@link #OPEN}, or 0 if there is none */
    static long origin(long... times) {
        long min = OPEN;
        for (long t : times) {
            min = Math.min(min, t);
        }
        return min == OPEN ? 0 : min;
    }
}
