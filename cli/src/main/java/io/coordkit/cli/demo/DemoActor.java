package io.coordkit.cli.demo;

import io.coordkit.testing.LocalProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One of the demo's actors: a child JVM started and faulted (kill -9, SIGSTOP, SIGCONT) through coordkit-testing's
 * {@link LocalProcess}, the launcher the TCK uses, whose lines ({@link ActorIo}) become events of the demo's
 * {@link EventLog}. Its standard error goes to a log file, whose last lines explain a failure.
 */
final class DemoActor implements AutoCloseable {

    private static final int STDERR_LINES_KEPT = 15;
    private static final Duration GRACEFUL_EXIT = Duration.ofSeconds(5);
    /** A small, fast-starting JVM: the actors do little work. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xmx96m", "-XX:-UsePerfData");

    private final String name;
    private final LocalProcess process;
    private final Writer stdin;
    private final Thread stdoutReader;
    private volatile boolean killed;

    private DemoActor(String name, LocalProcess process, EventLog log) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.stdin(), StandardCharsets.UTF_8);
        this.stdoutReader = new Thread(() -> readEvents(log), "demo-" + name + "-stdout");
        stdoutReader.setDaemon(true);
        stdoutReader.start();
    }

    /**
     * Starts an actor in a new JVM with this JVM's class path.
     *
     * @param name   the actor's name in the demo
     * @param main   the actor's main class
     * @param args   its arguments
     * @param log    where its events go
     * @param logDir where its standard error goes
     * @return the running actor
     */
    static DemoActor start(String name, Class<?> main, List<String> args, EventLog log, Path logDir) {
        LocalProcess p = LocalProcess.builder(name).interactive()
                .javaMain(JVM_OPTIONS, main.getName(), args.toArray(new String[0]))
                .logFile(logDir.resolve(name + ".log"))
                .start();
        return new DemoActor(name, p, log);
    }

    private void readEvents(EventLog log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.stdout(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] parts = line.trim().split(" +");
                if (parts.length > 0 && !parts[0].isEmpty()) {
                    log.add(name, parts[0], Arrays.asList(parts).subList(1, parts.length));
                }
            }
        } catch (IOException e) {
            // the process is gone; EXITED below says so
        }
        try {
            Integer status = process.waitFor(Duration.ofSeconds(30)).orElse(null);
            log.add(name, "EXITED", List.of(String.valueOf(status)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the actor's name */
    String name() {
        return name;
    }

    /** @return the child JVM's process id */
    long pid() {
        return process.pid().orElse(-1L);
    }

    /** @return true if the process runs (or is frozen) */
    boolean isAlive() {
        return process.isAlive();
    }

    /** @return true if the demo killed it on purpose */
    boolean killedOnPurpose() {
        return killed;
    }

    /** @return the last lines it wrote on standard error */
    List<String> stderrTail() {
        return Arrays.asList(process.logTail(STDERR_LINES_KEPT).split("\n"));
    }

    /**
     * Sends a command line to the actor.
     *
     * @param command the command
     * @throws IOException if the actor's standard input is closed
     */
    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** Kills the JVM at once, like a crash or {@code kill -9}: it gets no chance to deregister or release. */
    void kill() {
        killed = true;
        process.kill();
    }

    /** Freezes the JVM ({@code kill -STOP}): every thread stops, heartbeats included, as in a long GC pause. */
    void freeze() {
        process.freeze();
    }

    /** Resumes a frozen JVM ({@code kill -CONT}). */
    void resume() {
        process.thaw();
    }

    /** Closes the actor's standard input: it cleans up and exits. Never throws. */
    void requestExit() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed: it is exiting
        }
    }

    /**
     * Ends the actor: closes its standard input so that it cleans up and exits, and kills it if it has not exited
     * within a few seconds (or is frozen). Never throws.
     */
    @Override
    public void close() {
        try {
            if (process.isFrozen()) {
                process.kill(); // SIGKILL ends a stopped process too
            }
            if (process.isAlive()) {
                requestExit();
                if (process.waitFor(GRACEFUL_EXIT).isEmpty()) {
                    process.kill();
                }
            }
            stdoutReader.join(GRACEFUL_EXIT.toMillis());
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
        } finally {
            process.close();
        }
    }

    /** Kills the JVM; for the demo's shutdown hook. */
    void destroyNow() {
        process.kill();
    }
}
