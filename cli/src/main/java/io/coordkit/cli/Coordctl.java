package io.coordkit.cli;

import io.coordkit.BackendUnavailableException;
import io.coordkit.CoordinationException;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.VersionConflictException;
import io.coordkit.DurationText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code coordctl}: a command-line client for any coordkit backend (like ZooKeeper's {@code zkCli.sh}, for every
 * engine a provider serves), and {@code coordctl demo}, which shows the four coordination scenarios live.
 *
 * <p>Every command takes the backend's URI from {@code --uri} or the environment variable {@code COORDKIT_URI}.
 * Output is plain text, one record per line; errors go to standard error as {@code coordctl: message}, and the
 * exit code tells what happened (see {@link ExitCode}).
 */
@Command(name = "coordctl",
        mixinStandardHelpOptions = true,
        versionProvider = Coordctl.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Coordination from the command line: config keys, locks, leader election and service "
                + "registry over any coordkit backend.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
                LsCommand.class, GetCommand.class, SetCommand.class, CreateCommand.class, DeleteCommand.class,
                WatchCommand.class, LockCommand.class, LeaderCommand.class, RegisterCommand.class,
                ServicesCommand.class, StatusCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
                "  0   success",
                "  1   condition not met (no such key, lock not acquired in time, --count not reached...)",
                "  2   usage error: bad arguments, missing URI or value, invalid key, unknown scheme",
                "  3   backend unavailable or not answering within the time limit",
                "  4   conditional write refused (version conflict, create of an existing key)",
                "  5   other engine error, or the session or a lock was lost",
                "  lock NAME -- COMMAND exits with COMMAND's code.",
                "",
                "URI: scheme://[user:password@]host[:port][,host[:port]...][/namespace][?option=value&...]",
                "     e.g. zookeeper://127.0.0.1:2181/myapp?sessionTtl=5s"})
public final class Coordctl implements Callable<Integer> {

    /** The environment variable that gives the URI when {@code --uri} is absent. */
    public static final String URI_ENV = "COORDKIT_URI";

    /** Used as connect timeout when neither the command line nor the URI sets one, like the operation timeout. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);


    @Spec
    CommandSpec spec;

    @Option(names = {"-u", "--uri"}, scope = ScopeType.INHERIT, paramLabel = "URI",
            defaultValue = "${env:" + URI_ENV + "}",
            description = "Backend URI (default: $" + URI_ENV + "), e.g. zookeeper://127.0.0.1:2181/myapp")
    String uri;

    @Option(names = {"--session-ttl", "--ttl"}, scope = ScopeType.INHERIT, paramLabel = "DURATION",
            converter = Durations.class,
            description = "Session TTL: how long the engine keeps locks, registrations and candidacies of a "
                    + "silent client (default: the URI's, else 10s)")
    Duration sessionTtl;

    @Option(names = {"--op-timeout", "--operation-timeout"}, scope = ScopeType.INHERIT, paramLabel = "DURATION",
            converter = Durations.class,
            description = "Time limit of one engine operation (default: the URI's, else 5s)")
    Duration operationTimeout;

    @Option(names = "--connect-timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION",
            converter = Durations.class,
            description = "How long to try to open a session (default: the URI's, else the operation timeout)")
    Duration connectTimeout;

    private final boolean inheritChildIo;

    private Coordctl(boolean inheritChildIo) {
        this.inheritChildIo = inheritChildIo;
    }

    /**
     * Runs coordctl and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        Charset cs = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, cs), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, cs), true);
        int code = commandLine(out, err, true).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Creates the command line with its output and error streams, for running coordctl inside another program
     * (tests, embedding). The output of a command run by {@code lock} is copied to these writers too.
     *
     * @param out standard output
     * @param err standard error
     * @return the command line; call {@link CommandLine#execute(String...)}, which returns the exit code
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, false);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean inheritChildIo) {
        CommandLine cl = new CommandLine(new Coordctl(inheritChildIo));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Coordctl::handleExecutionException);
        cl.setParameterExceptionHandler(Coordctl::handleParameterException);
        return cl;
    }

    /** Without a command: show the usage and fail as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /** @return true if a child process run by {@code lock} should use this process's terminal directly */
    boolean inheritChildIo() {
        return inheritChildIo;
    }

    /**
     * @return the URI given with {@code --uri} or {@code COORDKIT_URI}
     * @throws CommandLine.ParameterException if neither is given
     */
    String requireUri() {
        if (uri == null || uri.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "no backend URI: give --uri URI or set " + URI_ENV + " (schemes available: "
                            + String.join(", ", Coordinators.availableSchemes()) + ")");
        }
        return uri.trim();
    }

    /** @return the URI given, or null */
    String uriOrNull() {
        return uri == null || uri.isBlank() ? null : uri.trim();
    }

    /**
     * Opens a coordinator with the global options. The connect timeout defaults to the operation timeout (not
     * the library's 10 s), so that an unreachable backend is reported within the time limit the user chose.
     *
     * @return the connected coordinator
     */
    Coordinator connect() {
        String u = requireUri();
        Coordinators.Builder b = Coordinators.builder(u);
        if (sessionTtl != null) {
            b.sessionTtl(sessionTtl);
        }
        if (operationTimeout != null) {
            b.operationTimeout(operationTimeout);
        }
        if (connectTimeout != null) {
            b.connectTimeout(connectTimeout);
        } else {
            // the URI's options as the core reads them; an invalid duration is refused by connect() with its name
            Map<String, String> uriOptions = Coordinators.uriOptions(u);
            if (!uriOptions.containsKey("connectTimeout")) {
                b.connectTimeout(operationTimeout != null ? operationTimeout
                        : DurationText.parse(uriOptions.getOrDefault("operationTimeout", ""))
                                .orElse(DEFAULT_TIMEOUT));
            }
        }
        return b.connect();
    }

    /** @return the session TTL given on the command line, or null */
    Duration sessionTtlOrNull() {
        return sessionTtl;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("coordctl: " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        int code = exitCodeOf(ex);
        String message = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        if (code == ExitCode.UNAVAILABLE) {
            Coordctl root = root(cmd);
            String shown = root == null || root.uriOrNull() == null ? null : Text.maskPassword(root.uriOrNull());
            if (shown != null && !message.contains(shown)) {
                message = message + " (uri: " + shown + ")";
            }
            err.println("coordctl: backend unavailable: " + message);
        } else if (code == ExitCode.INTERNAL) {
            err.println("coordctl: internal error: " + message);
            ex.printStackTrace(err);
        } else {
            err.println("coordctl: " + message);
        }
        err.flush();
        return code;
    }

    /**
     * @param e an exception a command threw
     * @return the exit code that reports it
     */
    static int exitCodeOf(Throwable e) {
        if (e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException) {
            return ExitCode.USAGE;
        }
        if (e instanceof VersionConflictException) {
            return ExitCode.CONFLICT;
        }
        if (e instanceof BackendUnavailableException || e instanceof CoordinationTimeoutException) {
            return ExitCode.UNAVAILABLE;
        }
        if (e instanceof CoordinationException || e instanceof UnsupportedOperationException
                || e instanceof IllegalStateException) {
            return ExitCode.ERROR;
        }
        return ExitCode.INTERNAL;
    }

    private static Coordctl root(CommandLine cmd) {
        CommandLine c = cmd;
        while (c.getParent() != null) {
            c = c.getParent();
        }
        return c.getCommand() instanceof Coordctl r ? r : null;
    }

    /** Shows the version of coordctl and the schemes it can serve. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Coordctl.class.getPackage().getImplementationVersion();
            return new String[]{
                    "coordctl " + (v == null ? "(development build)" : v),
                    "schemes: " + String.join(", ", Coordinators.availableSchemes())};
        }
    }
}
