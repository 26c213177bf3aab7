package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.DurationText;

import io.coordkit.testing.TestDirectories;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One scenario's run: prints its steps with their timing, records its checks, and owns what it started (child
 * JVMs, coordinators), which {@link #close()} ends.
 */
final class Stage implements AutoCloseable {

    /** How long a child JVM may take to start, connect and report (generous: the machine may be busy). */
    static final Duration START_LIMIT = Duration.ofSeconds(30);

    /** How long an ordinary operation's effect may take to reach a watcher. */
    static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(15);

    /** Added to the session TTL for waits on what a session's expiry causes. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(20);

    private final Demo.Settings settings;
    private final PrintWriter out;
    private final Demo.ProcessRegistry registry;
    /** The actors' standard error, deleted when the stage closes. */
    private Path logDirectory;
    private final long start = System.nanoTime();
    private final EventLog events = new EventLog();
    private final List<DemoActor> actors = new ArrayList<>();
    private final List<Coordinator> coordinators = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private String summary = "";

    Stage(Demo.Settings settings, PrintWriter out, Demo.ProcessRegistry registry) {
        this.settings = settings;
        this.out = out;
        this.registry = registry;
    }

    /**
     * @param suffix the rest of a name
     * @return a name under this demo run's own segment, so that runs never meet
     */
    String name(String suffix) {
        return settings.runId() + "/" + suffix;
    }

    /** @return the session TTL of every coordinator of the demo */
    Duration ttl() {
        return settings.sessionTtl();
    }

    /** @return how long to wait at most for what a session's expiry causes */
    Duration expiryLimit() {
        return settings.sessionTtl().plus(EXPIRY_MARGIN);
    }

    /** @return the events of this scenario */
    EventLog events() {
        return events;
    }

    /**
     * Prints a step with the time since the scenario started.
     *
     * @param format the message format
     * @param args   its arguments
     */
    void step(String format, Object... args) {
        out.printf(Locale.ROOT, "  [%6.2fs] %s%n", (System.nanoTime() - start) / 1e9, String.format(Locale.ROOT,
                format, args));
        out.flush();
    }

    /**
     * Records and prints a check.
     *
     * @param ok   whether it held
     * @param what what was checked, stated as what should hold
     */
    void check(boolean ok, String what) {
        if (ok) {
            step("ok: %s", what);
        } else {
            fail(what);
        }
    }

    /**
     * Records and prints a failure.
     *
     * @param what what should have happened
     */
    void fail(String what) {
        failures.add(what);
        step("FAILED: %s", what);
    }

    /** @return true if no check failed */
    boolean passed() {
        return failures.isEmpty();
    }

    /** @return what failed */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** @param text the one-line outcome shown in the demo's summary */
    void summary(String text) {
        this.summary = text;
    }

    /** @return the one-line outcome */
    String summary() {
        return summary;
    }

    /**
     * Opens a coordinator (its own session) in the demo's process; closed with the stage.
     *
     * @return the coordinator
     */
    Coordinator coordinator() {
        Coordinator c = Coordinators.builder(settings.uri()).sessionTtl(settings.sessionTtl()).connect();
        coordinators.add(c);
        return c;
    }

    /**
     * Starts an actor in its own JVM, connected to the demo's backend with the demo's session TTL.
     *
     * @param actorName the actor's name
     * @param main      its main class
     * @param args      its own arguments
     * @return the actor
     * @throws IOException if the JVM cannot be started
     */
    DemoActor spawn(String actorName, Class<?> main, Object... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(settings.uri(), Long.toString(settings.sessionTtl().toMillis())));
        for (Object a : args) {
            all.add(String.valueOf(a));
        }
        if (logDirectory == null) {
            logDirectory = Files.createTempDirectory("coordctl-demo-");
        }
        DemoActor p = DemoActor.start(actorName, main, all, events, logDirectory);
        actors.add(p);
        registry.add(p);
        return p;
    }

    /**
     * Waits for an event.
     *
     * @param match   the condition
     * @param timeout how long at most
     * @param what    what is awaited, for the failure message
     * @return the event
     * @throws DemoFailure          if it did not come in time
     * @throws InterruptedException if interrupted
     */
    EventLog.Event await(Predicate<EventLog.Event> match, Duration timeout, String what)
            throws DemoFailure, InterruptedException {
        return events.await(match, timeout, what);
    }

    /**
     * @param fromNanos a {@link System#nanoTime()}
     * @param toNanos   a later one
     * @return the time between them, for example {@code 2.48s}
     */
    static String between(long fromNanos, long toNanos) {
        return seconds(Duration.ofNanos(toNanos - fromNanos));
    }

    /**
     * @param d a duration
     * @return it in seconds with two decimals, or whole seconds, for example {@code 2.48s}, {@code 20s}
     */
    static String seconds(Duration d) {
        return DurationText.format(d, ChronoUnit.SECONDS, d.toMillis() % 1000 == 0 ? 0 : 2);
    }

    /** Prints what the actors that failed said, to explain a failure. */
    void printDiagnostics() {
        for (DemoActor a : actors) {
            List<EventLog.Event> errors = events.all(e -> e.actor().equals(a.name()) && e.type().equals("ERROR"));
            boolean diedUnexpectedly = !a.isAlive() && !a.killedOnPurpose()
                    && events.all(e -> e.is(a.name(), "EXITED") && !e.field(0).equals("0")).size() > 0;
            if (errors.isEmpty() && !diedUnexpectedly) {
                continue;
            }
            step("%s (pid %d) %s", a.name(), a.pid(), diedUnexpectedly ? "died" : "reported an error");
            errors.forEach(e -> step("  %s", String.join(" ", e.fields())));
            a.stderrTail().forEach(line -> step("  | %s", line));
        }
    }

    /** Ends every actor (letting them exit cleanly first) and closes every coordinator. Never throws. */
    @Override
    public void close() {
        actors.forEach(DemoActor::requestExit);
        for (DemoActor a : actors) {
            a.close();
            registry.remove(a);
        }
        coordinators.forEach(Coordinator::close);
        TestDirectories.deleteRecursively(logDirectory);
    }
}
