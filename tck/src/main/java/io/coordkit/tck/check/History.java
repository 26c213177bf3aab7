package io.coordkit.tck.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A thread-safe, append-only record of what the clients of a test did and saw, to be judged by a checker
 * afterwards. Any thread may {@link #add} at any time; {@link #snapshot()} returns an immutable copy.
 *
 * <p>Take every time with {@link #now()} (by default {@code System.nanoTime()}), so that all times of one history
 * come from one clock. Events recorded in child JVMs must be converted to that clock (or to another common clock
 * counted in nanoseconds) before they are added.
 *
 * <p>{@link #toString()} is compact, for failure messages: the name, the count and the first and last few
 * events, with times relative to the moment the history was created.
 *
 * @param <E> the type of the events, usually one of the checkers' records
 */
public final class History<E> {

    private static final int SHOWN_AT_EACH_END = 5;

    private final String name;
    private final LongSupplier clock;
    private final long origin;
    private final List<E> events = new ArrayList<>();

    /**
     * A history whose clock is {@code System.nanoTime()}.
     *
     * @param name a name for messages, e.g. {@code "lock orders/42"}
     */
    public History(String name) {
        this(name, System::nanoTime);
    }

    /**
     * @param name  a name for messages
     * @param clock the clock, in nanoseconds, that {@link #now()} reads; it must never go backwards
     */
    public History(String name, LongSupplier clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.origin = clock.getAsLong();
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the current time of this history's clock, in nanoseconds */
    public long now() {
        return clock.getAsLong();
    }

    /** @return the time at which this history was created, the zero of {@link #toString()} */
    public long origin() {
        return origin;
    }

    /**
     * Appends an event.
     *
     * @param event the event
     * @return the event, for chaining
     */
    public E add(E event) {
        Objects.requireNonNull(event, "event");
        synchronized (events) {
            events.add(event);
        }
        return event;
    }

    /** @return an immutable copy of the events, in the order they were added */
    public List<E> snapshot() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** @return the number of events */
    public int size() {
        synchronized (events) {
            return events.size();
        }
    }

    @Override
    public String toString() {
        List<E> copy = snapshot();
        StringBuilder sb = new StringBuilder(name).append(" [").append(copy.size())
                .append(copy.size() == 1 ? " event" : " events");
        String separator = ": ";
        for (int i = 0; i < copy.size(); i++) {
            if (i == SHOWN_AT_EACH_END && copy.size() > 2 * SHOWN_AT_EACH_END) {
                sb.append(", ...");
                i = copy.size() - SHOWN_AT_EACH_END;
            }
            E e = copy.get(i);
            sb.append(separator).append(e instanceof Recorded r ? r.describe(origin) : String.valueOf(e));
            separator = ", ";
        }
        return sb.append(']').toString();
    }
}
