package io.coordkit.cli;

import io.coordkit.CoordinationTimeoutException;
import io.coordkit.Coordinator;
import io.coordkit.Arguments;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code lock name -- command args...}: runs a command while holding a distributed lock. */
@Command(name = "lock",
        header = "Run a command while holding a lock (fencing token in $COORDKIT_FENCING_TOKEN).",
        sortOptions = false,
        description = {"Acquire the lock NAME, run COMMAND while holding it, release it, and exit with COMMAND's "
                + "exit code (like flock(1), across machines).",
                "The fencing token is printed on standard error and given to COMMAND as $COORDKIT_FENCING_TOKEN "
                        + "(and the lock's name as $COORDKIT_LOCK): pass it to the resource you write to, and let "
                        + "the resource refuse tokens lower than the highest it has seen.",
                "If the lock is lost while COMMAND runs (session expired), COMMAND and what it started are "
                        + "terminated (SIGTERM, SIGKILL after 5s) and the exit code is 5. Exit code 1 (or "
                        + "--conflict-exit-code) if the lock was not acquired within --wait.",
                "Example: coordctl lock jobs/nightly -- sh -c 'backup --fence \"$COORDKIT_FENCING_TOKEN\"'"})
final class LockCommand extends Subcommand {

    /** How long a terminated command may take to exit before it is killed. */
    private static final Duration TERMINATION_GRACE = Duration.ofSeconds(5);

    @Parameters(index = "0", paramLabel = "NAME", 
            converter = NameArgs.Name.class, description = "The lock's name, e.g. jobs/nightly")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND",
            description = "The command and its arguments, after --")
    List<String> command = new ArrayList<>();

    @Option(names = {"-w", "--wait"}, paramLabel = "DURATION", converter = Durations.class, defaultValue = "1h",
            description = "How long to wait for the lock (default ${DEFAULT-VALUE}, the longest allowed; 0 to "
                    + "fail at once if it is held)")
    Duration wait;

    @Option(names = {"-E", "--conflict-exit-code"}, paramLabel = "CODE", defaultValue = "1",
            description = "Exit code when the lock was not acquired within --wait (default ${DEFAULT-VALUE})")
    int conflictExitCode;

    @Override
    void validate() {
        Arguments.name("name", name);
        Arguments.waitTime("--wait", wait);
    }

    @Override
    public Integer call() throws InterruptedException {
        // A command that cannot run is reported before the lock is taken (and a fencing token used up).
        String program = command.get(0);
        Optional<Path> found = Executables.find(program, System.getenv("PATH"));
        if (found.isEmpty()) {
            warn("cannot run " + program + ": command not found" + (program.contains("/") ? ""
                    : " in PATH") + "; the lock was not taken");
            return ExitCode.COMMAND_NOT_FOUND;
        }
        if (!Files.isExecutable(found.get()) || Files.isDirectory(found.get())) {
            warn("cannot run " + program + ": " + found.get() + (Files.isDirectory(found.get())
                    ? " is a directory" : " is not executable") + "; the lock was not taken");
            return ExitCode.COMMAND_NOT_EXECUTABLE;
        }
        return acquireAndRun();
    }

    private int acquireAndRun() throws InterruptedException {
        try (Hold hold = new Hold(err()); Coordinator c = hold.track(connect())) {
            reportSessionChanges(c, "the lock is lost with it");
            CompletableFuture<LockLease> attempt = c.locks().lock(name).acquireAsync(wait);
            try {
                CompletableFuture.anyOf(attempt, hold.stopped()).get();
            } catch (ExecutionException failed) {
                // the attempt failed: reported below
            }
            if (!attempt.isDone()) {
                attempt.cancel(true); // a lease granted after this is released at once
                warn("interrupted while waiting for lock '" + name + "'");
                return ExitCode.ERROR;
            }
            LockLease lease;
            try {
                lease = attempt.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof CoordinationTimeoutException && c.sessionState().isUsable()) {
                    warn("lock '" + name + "' not acquired within " + Durations.format(wait));
                    return conflictExitCode;
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            hold.holding("lock '" + name + "' (token " + lease.fencingToken() + ")");
            try (lease) {
                return runHolding(lease, hold);
            }
        }
    }

    private int runHolding(LockLease lease, Hold hold) throws InterruptedException {
        warn("lock '" + name + "' acquired, fencing token " + lease.fencingToken());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("COORDKIT_FENCING_TOKEN", Long.toString(lease.fencingToken()));
        pb.environment().put("COORDKIT_LOCK", name);
        if (root.inheritChildIo()) {
            pb.inheritIO();
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        }
        Process process;
        hold.localCleanupStarts(); // a signal from here on waits until the command has ended
        try {
            process = pb.start();
        } catch (IOException e) {
            hold.localCleanupDone();
            // checked before the lock was taken; it changed since (deleted, chmod)
            warn("cannot run " + command.get(0) + ": " + e.getMessage());
            return e.getMessage() != null && e.getMessage().contains("error=2,")
                    ? ExitCode.COMMAND_NOT_FOUND : ExitCode.COMMAND_NOT_EXECUTABLE;
        }
        List<Thread> pumps = new ArrayList<>();
        if (!root.inheritChildIo()) {
            pumps.add(pump(process.getInputStream(), out(), "stdout"));
            pumps.add(pump(process.getErrorStream(), err(), "stderr"));
        }
        AtomicBoolean lost = new AtomicBoolean();
        CompletableFuture<Void> end = new CompletableFuture<>();
        lease.addListener((l, state) -> {
            if (state == LeaseState.SUSPENDED) {
                warn("lock '" + name + "' suspended: contact with the backend lost; token "
                        + l.fencingToken() + " may be superseded if the session expires");
            } else if (state == LeaseState.HELD) {
                warn("lock '" + name + "' held again");
            } else if (state == LeaseState.LOST) {
                warn("lock '" + name + "' lost (its session expired); terminating the command");
                lost.set(true);
                end.complete(null);
            }
        });
        process.onExit().thenRun(() -> end.complete(null));
        hold.stopped().thenRun(() -> end.complete(null));
        end.join();
        if (process.isAlive()) {
            terminate(process);
        }
        int code = process.waitFor();
        for (Thread t : pumps) {
            t.join();
        }
        hold.localCleanupDone();
        return lost.get() ? ExitCode.ERROR : code;
    }

    /** Ends the command and whatever it started (a shell's children too): SIGTERM, then SIGKILL after a grace. */
    private static void terminate(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TERMINATION_GRACE.toNanos();
        for (ProcessHandle p : tree) {
            long left = deadline - System.nanoTime();
            try {
                p.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                p.destroyForcibly();
            }
        }
    }

    private static Thread pump(InputStream in, PrintWriter to, String what) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    to.println(line);
                    to.flush();
                }
            } catch (IOException e) {
                to.println("coordctl: lost the command's " + what + ": " + e.getMessage());
                to.flush();
            }
        }, "coordctl-lock-" + what);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
