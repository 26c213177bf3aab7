package io.coordkit.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The demo's side of an actor running in a child JVM: starts it, turns the lines it prints into events, sends it
 * commands, and kills (SIGKILL), freezes (SIGSTOP) or resumes (SIGCONT) it. Freezing uses the {@code kill}
 * command, so it needs a POSIX system.
 */
final class ActorProcess implements AutoCloseable {

    private static final int STDERR_LINES_KEPT = 15;
    private static final Duration GRACEFUL_EXIT = Duration.ofSeconds(5);

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private volatile boolean killed;
    private volatile boolean frozen;

    private ActorProcess(String name, Process process, EventLog log) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdoutReader = new Thread(() -> readEvents(log), "demo-" + name + "-stdout");
        this.stderrReader = new Thread(this::readErrors, "demo-" + name + "-stderr");
        stdoutReader.setDaemon(true);
        stderrReader.setDaemon(true);
        stdoutReader.start();
        stderrReader.start();
    }

    /**
     * Starts an actor in a new JVM with this JVM's class path.
     *
     * @param name the actor's name in the demo
     * @param main the actor's main class
     * @param args its arguments
     * @param log  where its events go
     * @return the running actor
     * @throws IOException if the JVM cannot be started
     */
    static ActorProcess start(String name, Class<?> main, List<String> args, EventLog log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a small, fast-starting JVM: the actors do little work
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m", "-XX:-UsePerfData",
                "-cp", classPath(), main.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        return new ActorProcess(name, p, log);
    }

    private static String classPath() {
        String sep = System.getProperty("path.separator");
        return Arrays.stream(System.getProperty("java.class.path").split(Pattern.quote(sep)))
                .filter(s -> !s.isEmpty())
                .map(s -> Path.of(s).toAbsolutePath().toString())
                .reduce((a, b) -> a + sep + b)
                .orElseThrow(() -> new IllegalStateException("java.class.path is empty"));
    }

    private void readEvents(EventLog log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
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
            log.add(name, "EXITED", List.of(Integer.toString(process.waitFor())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readErrors() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_LINES_KEPT) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line);
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** @return the actor's name */
    String name() {
        return name;
    }

    /** @return the child JVM's process id */
    long pid() {
        return process.pid();
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
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
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

    /**
     * Kills the JVM at once, like a crash or {@code kill -9}: it gets no chance to deregister or release.
     *
     * @throws InterruptedException if interrupted while waiting for it to die
     */
    void kill() throws InterruptedException {
        killed = true;
        process.destroyForcibly();
        process.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Freezes the JVM ({@code kill -STOP}): every thread stops, heartbeats included, as in a long GC pause.
     *
     * @throws IOException          if the signal could not be sent
     * @throws InterruptedException if interrupted
     */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
        frozen = true;
    }

    /**
     * Resumes a frozen JVM ({@code kill -CONT}).
     *
     * @throws IOException          if the signal could not be sent
     * @throws InterruptedException if interrupted
     */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
        frozen = false;
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed: " + output);
        }
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
            if (process.isAlive() && frozen) {
                process.destroyForcibly(); // SIGKILL ends a stopped process too
                process.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (process.isAlive()) {
                requestExit();
                if (!process.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(GRACEFUL_EXIT.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
            stdoutReader.join(GRACEFUL_EXIT.toMillis());
            stderrReader.join(GRACEFUL_EXIT.toMillis());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the JVM without waiting; for the demo's shutdown hook. */
    void destroyNow() {
        process.destroyForcibly();
    }
}
