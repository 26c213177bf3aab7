package io.coordkit.testing;

import java.time.Duration;
import java.util.Optional;

/**
 * One run of an engine node as its {@link NodeRuntime} runs it: a {@link LocalProcess} on this machine, or a
 * container. The faults are the same in both: kill -9, freeze, thaw, graceful stop, start again with the same data.
 */
public interface NodeProcess extends AutoCloseable {

    /**
     * Starts it, or starts it again after it exited or was killed.
     *
     * @return this
     */
    NodeProcess start();

    /**
     * @param next the command a node would start with now
     * @return true if {@link #start()} on this object runs that command (a container is started again as it was,
     *         keeping its address); false if a new process must be made
     */
    default boolean canRestartAs(LocalProcess.Builder next) {
        return false;
    }

    /** @return true while it runs (frozen counts as running) */
    boolean isAlive();

    /** @return true while it is frozen */
    boolean isFrozen();

    /** @return the process id on this machine (for a container: its first process), while it runs */
    Optional<Long> pid();

    /** Kills it at once (SIGKILL) and waits until it is gone; no-op if it does not run. */
    void kill();

    /** Freezes it: SIGSTOP for a process, the cgroup freezer ({@code docker pause}) for a container. */
    void freeze();

    /** Resumes it after {@link #freeze()}; no-op if it is not frozen. */
    void thaw();

    /**
     * Stops it gracefully (SIGTERM), then kills it after the grace period.
     *
     * @param grace how long to wait for a graceful exit
     */
    void stop(Duration grace);

    /**
     * @param lines how many lines
     * @return the last lines of its log, for failure messages
     */
    String logTail(int lines);

    /** Stops it and frees what it holds (a container is removed). Never throws. */
    @Override
    void close();
}
