package io.coordkit.cli;

/**
 * The exit codes of {@code coordctl}. They are part of its interface: scripts branch on them.
 *
 * <table>
 *   <caption>Exit codes</caption>
 *   <tr><th>code</th><th>meaning</th></tr>
 *   <tr><td>0</td><td>success</td></tr>
 *   <tr><td>1</td><td>the command ran but its condition was not met (no such key, lock not acquired in time,
 *   not leading when {@code --timeout} ran out, {@code --count} not reached, engine not healthy)</td></tr>
 *   <tr><td>2</td><td>usage error: bad command line, missing URI or value, invalid key, value, duration or URI
 *   (unknown scheme, bad option), checked before any I/O</td></tr>
 *   <tr><td>3</td><td>the backend could not be reached or did not answer within the time limit</td></tr>
 *   <tr><td>4</td><td>a conditional write was refused: version conflict, or {@code create} of a key that has
 *   a value</td></tr>
 *   <tr><td>5</td><td>the engine reported another error, or the session or a lock was lost while the command
 *   ran</td></tr>
 *   <tr><td>70</td><td>internal error of coordctl (a bug; the stack trace is printed)</td></tr>
 * </table>
 *
 * <p>{@code lock NAME -- COMMAND} exits with the command's own code once it ran (126 if it could not be
 * started, 127 if it was not found, as shells do).
 */
public final class ExitCode {
    /** Success. */
    public static final int OK = 0;
    /** The command ran but its condition was not met. */
    public static final int NOT_MET = 1;
    /** Bad command line or invalid argument. */
    public static final int USAGE = 2;
    /** The backend could not be reached in time. */
    public static final int UNAVAILABLE = 3;
    /** A conditional write was refused. */
    public static final int CONFLICT = 4;
    /** Another engine error, or the session or a lock was lost. */
    public static final int ERROR = 5;
    /** A bug in coordctl. */
    public static final int INTERNAL = 70;
    /** {@code lock}: the command could not be started. */
    public static final int COMMAND_NOT_EXECUTABLE = 126;
    /** {@code lock}: the command was not found. */
    public static final int COMMAND_NOT_FOUND = 127;

    private ExitCode() {
    }
}
