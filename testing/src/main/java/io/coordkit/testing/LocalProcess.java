package io.coordkit.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process on this machine that the TCK started and controls: an engine server or a client actor.
 *
 * <p>It can be killed ({@code kill -9}), frozen ({@code SIGSTOP}) and thawed ({@code SIGCONT}), stopped
 * gracefully, and started again with the same command. Its output goes to a log file (see
 * {@link Builder#logFile(Path)}), except for an {@linkplain Builder#interactive() interactive} process whose
 * standard input and output the caller uses.
 *
 * <p>No process outlives the JVM that started it: every live process is killed by a shutdown hook, a child JVM
 * started with {@link Builder#javaMain} halts when its standard input closes (see {@link ChildJvm}), and every
 * process has a guardian ({@code sh}) that kills it with {@code kill -9} once the parent JVM is gone, which also
 * covers a frozen child and a parent killed with {@code kill -9}.
 *
 * <p>Thread-safe.
 */
public final class LocalProcess implements NodeProcess {

    private final String name;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final Path logFile;
    private final boolean interactive;

    private Process process;
    private Process guardian;
    private boolean frozen;
    private int starts;

    private LocalProcess(Builder b) {
        this.name = b.name;
        this.command = List.copyOf(b.command);
        this.environment = Map.copyOf(b.environment);
        this.workingDirectory = b.workingDirectory;
        this.logFile = b.logFile != null ? b.logFile
                : TestDirectories.newLogDirectory("process").resolve(safeFileName(name) + ".log");
        this.interactive = b.interactive;
    }

    /**
     * @param name a short name for messages and the log file, for example {@code zk-2}
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** @return the name given to the builder */
    public String name() {
        return name;
    }

    /** @return the command line, as started */
    public List<String> command() {
        return command;
    }

    /** @return the file that receives the process's standard error (and standard output unless interactive) */
    public Path logFile() {
        return logFile;
    }

    /**
     * Starts the process. Also used to start it again after it exited or was killed.
     *
     * @return this
     * @throws IllegalStateException if it is running
     * @throws UncheckedIOException  if it cannot be started
     */
    @Override
    public synchronized LocalProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== coordkit-tck: start #" + (++starts) + " of " + name + " at "
                            + Instant.now() + "\n==== " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().putAll(environment);
            if (workingDirectory != null) {
                pb.directory(workingDirectory.toFile());
            }
            pb.redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            if (!interactive) {
                pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            }
            // Standard input stays a pipe whose write end this JVM holds open: a ChildJvm halts when it closes.
            process = pb.start();
            frozen = false;
            ProcessReaper.register(this);
            guardian = startGuardian(process.pid());
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** @return true while the process runs (frozen counts as running) */
    @Override
    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return true while the process is stopped by {@link #freeze()} */
    @Override
    public synchronized boolean isFrozen() {
        return frozen && isAlive();
    }

    /** @return the operating-system process id of the current run */
    @Override
    public synchronized Optional<Long> pid() {
        return process == null ? Optional.empty() : Optional.of(process.pid());
    }

    /**
     * @return the standard input of an interactive process
     * @throws IllegalStateException if the process is not interactive or not started
     */
    public synchronized OutputStream stdin() {
        requireInteractive();
        return process.getOutputStream();
    }

    /**
     * @return the standard output of an interactive process
     * @throws IllegalStateException if the process is not interactive or not started
     */
    public synchronized InputStream stdout() {
        requireInteractive();
        return process.getInputStream();
    }

    /** Kills the process with {@code kill -9} (SIGKILL) and waits until it is gone. No-op if it is not running. */
    @Override
    public void kill() {
        Process p;
        synchronized (this) {
            p = process;
            frozen = false;
        }
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(30));
        stopGuardian();
    }

    /**
     * Freezes the process with SIGSTOP: it keeps its sockets but answers nothing until {@link #thaw()}.
     *
     * @throws IllegalStateException if it is not running
     */
    @Override
    public synchronized void freeze() {
        if (!isAlive()) {
            throw new IllegalStateException("cannot freeze " + name + ": not running");
        }
        signal("STOP", process.pid());
        frozen = true;
    }

    /** Resumes a frozen process with SIGCONT. No-op if it is not frozen. */
    @Override
    public synchronized void thaw() {
        if (isAlive() && frozen) {
            signal("CONT", process.pid());
        }
        frozen = false;
    }

    /**
     * Stops the process: SIGTERM (after thawing it if frozen), then SIGKILL if it has not exited within the grace
     * period. No-op if it is not running.
     *
     * @param grace how long to wait for a graceful exit
     */
    @Override
    public void stop(Duration grace) {
        Process p;
        synchronized (this) {
            p = process;
            if (p == null || !p.isAlive()) {
                stopGuardian();
                return;
            }
            thaw();
        }
        p.destroy();
        if (!awaitExit(p, grace)) {
            p.destroyForcibly();
            awaitExit(p, Duration.ofSeconds(30));
        }
        stopGuardian();
    }

    /**
     * Kills the process if it runs, then starts it again with the same command.
     *
     * @return this
     */
    public LocalProcess restart() {
        kill();
        return start();
    }

    /**
     * Waits for the process to exit by itself.
     *
     * @param timeout how long to wait
     * @return the exit status, or empty if it still runs
     * @throws InterruptedException if interrupted
     */
    public Optional<Integer> waitFor(Duration timeout) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            return Optional.empty();
        }
        return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(p.exitValue()) : Optional.empty();
    }

    /**
     * @param lines how many lines from the end
     * @return the last lines of the log file, for failure messages
     */
    @Override
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + logFile + " unreadable: " + e + ")";
        }
    }

    /** Stops the process with a short grace period ({@link #stop(Duration)}). */
    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
        ProcessReaper.unregister(this);
    }

    @Override
    public synchronized String toString() {
        return name + (process == null ? " (not started)"
                : " (pid " + process.pid() + (process.isAlive() ? frozen ? ", frozen)" : ", running)" : ", exited)"));
    }

    /** Kills at once, for the shutdown hook: no waiting, no exceptions. */
    void destroyNow() {
        Process p;
        Process g;
        synchronized (this) {
            p = process;
            g = guardian;
        }
        if (p != null) {
            p.destroyForcibly();
        }
        if (g != null) {
            g.destroyForcibly();
        }
    }

    private void requireInteractive() {
        if (!interactive) {
            throw new IllegalStateException(name + " is not interactive: its output goes to " + logFile);
        }
        if (process == null) {
            throw new IllegalStateException(name + " is not started");
        }
    }

    private Process startGuardian(long childPid) throws IOException {
        stopGuardian();
        long parentPid = ProcessHandle.current().pid();
        // Polls both pids; when this JVM is gone (even after kill -9, even if the child is frozen), kills the child.
        String script = "while kill -0 \"$1\" 2>/dev/null && kill -0 \"$2\" 2>/dev/null; do sleep 1; done; "
                + "if ! kill -0 \"$1\" 2>/dev/null; then kill -9 \"$2\" 2>/dev/null; fi";
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script, "coordkit-tck-guardian",
                Long.toString(parentPid), Long.toString(childPid));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process g = pb.start();
        g.getOutputStream().close();
        return g;
    }

    private synchronized void stopGuardian() {
        if (guardian != null) {
            guardian.destroyForcibly();
            guardian = null;
        }
    }

    private static boolean awaitExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    /**
     * Sends a signal with the system's {@code kill} command.
     *
     * @param signal the signal name without {@code SIG}, for example {@code STOP}
     * @param pid    the process id
     */
    static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal + " to " + pid, e);
        }
    }

    private static String safeFileName(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Builds a {@link LocalProcess}; nothing starts until {@link #start()}. */
    public static final class Builder {
        private final String name;
        private final List<String> command = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path workingDirectory;
        private Path logFile;
        private boolean interactive;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Runs a program.
         *
         * @param commandLine the program and its arguments
         * @return this builder
         */
        public Builder command(List<String> commandLine) {
            if (commandLine.isEmpty()) {
                throw new IllegalArgumentException("empty command for " + name);
            }
            command.clear();
            command.addAll(commandLine);
            return this;
        }

        /**
         * Runs a Java main class in a child JVM with this JVM's class path, under the {@link ChildJvm} watchdog
         * (or, for an {@linkplain #interactive() interactive} process, directly: such a main must itself halt
         * when its standard input closes).
         *
         * @param jvmOptions options such as {@code -Xmx128m}
         * @param mainClass  the main class, which must be on this JVM's class path
         * @param args       its arguments
         * @return this builder
         */
        public Builder javaMain(List<String> jvmOptions, String mainClass, String... args) {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaExecutable());
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            if (!interactive) {
                cmd.add(ChildJvm.class.getName());
            }
            cmd.add(mainClass);
            cmd.addAll(Arrays.asList(args));
            return command(cmd);
        }

        /**
         * @param key   an environment variable
         * @param value its value
         * @return this builder
         */
        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /**
         * @param dir the working directory (default: this JVM's)
         * @return this builder
         */
        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /**
         * @param file where output goes (appended; default: a new file under {@code target/tck-logs/})
         * @return this builder
         */
        public Builder logFile(Path file) {
            this.logFile = file;
            return this;
        }

        /**
         * Keeps standard output as a pipe for the caller ({@link LocalProcess#stdout()}); standard error still
         * goes to the log file. Call before {@link #javaMain}.
         *
         * @return this builder
         */
        public Builder interactive() {
            if (!command.isEmpty()) {
                throw new IllegalStateException("call interactive() before javaMain()/command()");
            }
            this.interactive = true;
            return this;
        }

        /** @return the command line given so far */
        public List<String> commandLine() {
            return List.copyOf(command);
        }

        /** @return the environment variables given so far */
        public Map<String, String> environmentVariables() {
            return Map.copyOf(environment);
        }

        /** @return the name given to {@link LocalProcess#builder(String)} */
        public String name() {
            return name;
        }

        /** @return the log file given so far, or null for the default */
        Path logFileOrNull() {
            return logFile;
        }

        /** @return the process, not started */
        public LocalProcess build() {
            if (command.isEmpty()) {
                throw new IllegalStateException("no command given for " + name);
            }
            return new LocalProcess(this);
        }

        /** @return the process, started */
        public LocalProcess start() {
            return build().start();
        }

        private static String javaExecutable() {
            return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
                    .toString();
        }
    }
}
