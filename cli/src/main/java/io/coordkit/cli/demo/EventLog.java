package io.coordkit.cli.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Everything the actors of one scenario reported, in the order it reached the demo, with the time it arrived.
 * Child JVMs report through their standard output; in-process watchers add their events directly.
 */
final class EventLog {

    /**
     * One report.
     *
     * @param actor  who reported it
     * @param type   what, one word ({@code REGISTERED}, {@code ELECTED}...)
     * @param fields the details
     * @param nanos  {@link System#nanoTime()} when it arrived
     */
    record Event(String actor, String type, List<String> fields, long nanos) {
        Event {
            fields = List.copyOf(fields);
        }

        /**
         * @param i the index
         * @return field i
         */
        String field(int i) {
            return fields.get(i);
        }

        /**
         * @param i the index
         * @return field i as a number
         */
        long number(int i) {
            return Long.parseLong(fields.get(i));
        }

        boolean is(String actorName, String eventType) {
            return actor.equals(actorName) && type.equals(eventType);
        }
    }

    private final List<Event> events = new ArrayList<>();

    /**
     * @param actor  who
     * @param type   what
     * @param fields the details
     */
    void add(String actor, String type, List<String> fields) {
        Event e = new Event(actor, type, fields, System.nanoTime());
        synchronized (this) {
            events.add(e);
            notifyAll();
        }
    }

    /**
     * Waits for the first event, earlier ones included, that matches.
     *
     * @param match   the condition
     * @param timeout how long to wait
     * @param what    what is awaited, for the failure message
     * @return the event
     * @throws DemoFailure          if none arrived in time
     * @throws InterruptedException if interrupted
     */
    synchronized Event await(Predicate<Event> match, Duration timeout, String what)
            throws DemoFailure, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int scanned = 0;
        while (true) {
            for (; scanned < events.size(); scanned++) {
                if (match.test(events.get(scanned))) {
                    return events.get(scanned);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DemoFailure(what + " did not happen within " + Stage.seconds(timeout));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * @param match the condition
     * @return every event so far that matches, in order
     */
    synchronized List<Event> all(Predicate<Event> match) {
        return events.stream().filter(match).toList();
    }
}
