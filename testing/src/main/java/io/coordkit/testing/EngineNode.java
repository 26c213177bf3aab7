package io.coordkit.testing;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One server of an {@link EngineCluster}, with the faults the TCK can inject into it. Every method acts on this
 * node only and returns when the action is done (a killed node is gone, a started one has been launched; use
 * {@link EngineCluster#awaitServing} to wait until the cluster serves again).
 */
public interface EngineNode {

    /** @return a short name, for example {@code zk-2} */
    String name();

    /** @return the node's 1-based index in its cluster */
    int index();

    /** @return where clients connect to this node */
    InetSocketAddress clientAddress();

    /**
     * Asks the node for its role now (for a frozen or stopped node, without asking).
     *
     * @return the role
     */
    NodeRole role();

    /** @return true while the node's process runs (frozen counts as running) */
    boolean isRunning();

    /** @return true while the node is frozen */
    boolean isFrozen();

    /** @return the process id while the node runs, where the node is a local process */
    Optional<Long> pid();

    /** Kills the node with {@code kill -9}; its data stays for a later {@link #start()}. */
    void kill();

    /** Freezes the node with SIGSTOP: connections stay open but nothing is answered. */
    void freeze();

    /** Resumes a frozen node with SIGCONT. */
    void thaw();

    /** Stops the node gracefully (SIGTERM, then SIGKILL after a grace period); its data stays. */
    void stop();

    /** Starts a node that is not running, with its data as it was left. */
    void start();

    /** Kills the node if it runs, then starts it. */
    default void restart() {
        kill();
        start();
    }

    /** @return the node's log file, for failure messages */
    Path logFile();
}
