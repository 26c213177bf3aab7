package io.coordkit.tck.check;

/**
 * Something recorded in a {@link History}: an operation, a lease, an event. It can describe itself for a
 * failure message with its times shown relative to an origin, so that messages read {@code +12.500ms} rather
 * than a raw {@code System.nanoTime()} value.
 */
public interface Recorded {

    /**
     * @param origin the time (in nanoseconds, from the clock the times were taken with) shown as zero
     * @return a one-line description, e.g. {@code c1 put('a') -> @7 [+1.000ms .. +2.500ms]}
     */
    String describe(long origin);
}
