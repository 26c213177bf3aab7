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

import java.io.InputStream;
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
        versionProvider = Coordctl.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Coordination from the command line: config keys, locks, leader election and service "
                + "registry over any coordkit backend.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
                LsCommand.class, GetCommand.class, SetCommand.class, CreateCommand.class, DeleteCommand.class,
                WatchCommand.class, LockCommand.class, LeaderCommand.class, RegisterCommand.class,
                ServicesCommand.class, NamesCommand.Locks.class, NamesCommand.Elections.class,
                NamesCommand.Namespaces.class, StatusCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
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

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean helpRequested;

    @Option(names = "-V", versionHelp = true,
            description = "Print coordctl's version and the schemes it can serve, and exit.")
    boolean versionRequested;

    /**
     * {@code --version} alone prints coordctl's version (as {@code -V} does); {@code --version N} before the
     * command is the expected version of {@code set} and {@code delete}, like their own {@code --version N}
     * after the command (global options may come before or after the command name).
     */
    @Option(names = "--version", arity = "0..1", fallbackValue = "", paramLabel = "N",
            description = "Alone: print coordctl's version. With N, before set or delete: the version for "
                    + "compare-and-set, as after the command.")
    String versionOption;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Show the log of coordkit and of the engine's client on standard error: -v warnings "
                    + "and errors, -vv also info, -vvv also debug (default: none; coordctl reports failures "
                    + "itself, in one line)")
    boolean[] verbose = new boolean[0];

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
    private final InputStream in;

    private Coordctl(InputStream in, boolean inheritChildIo) {
        this.in = in;
        this.inheritChildIo = inheritChildIo;
    }

    /**
     * Runs coordctl and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        configureLogging(verbosity(args));
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
        return commandLine(System.in, out, err, inheritChildIo);
    }

    static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err, boolean inheritChildIo) {
        CommandLine cl = new CommandLine(new Coordctl(in, inheritChildIo));
        cl.setOut(out);
        cl.setErr(err);
        // "@name" is a value like any other (set k @alice stores "@alice"), not picocli's "read arguments from
        // the file name"; values come from a file with set/create --file.
        cl.setExpandAtFiles(false);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(Coordctl::handleExecutionException);
        cl.setExecutionStrategy(Coordctl::executeLast);
        cl.setParameterExceptionHandler(Coordctl::handleParameterException);
        return cl;
    }

    /** Without a command: {@code --version} prints the version; otherwise show the usage, a usage error. */
    @Override
    public Integer call() {
        if (versionOption != null) {
            if (!versionOption.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--version " + versionOption
                        + " needs a command: it is the expected version of set or delete");
            }
            spec.commandLine().printVersionHelp(spec.commandLine().getOut());
            return ExitCode.OK;
        }
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    /**
     * The {@code --version N} given before the command, for {@code set} and {@code delete}.
     *
     * @param command the command that asks, for the error
     * @return the version, or null if none was given before the command
     * @throws CommandLine.ParameterException if {@code --version} came without a number, or not a number
     */
    Long versionBeforeCommand(CommandLine command) {
        if (versionOption == null) {
            return null;
        }
        if (versionOption.isEmpty()) {
            throw new CommandLine.ParameterException(command, "--version before the command needs a number "
                    + "(the expected version); coordctl's own version is printed by 'coordctl -V'");
        }
        try {
            return Long.parseLong(versionOption);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(command, "--version must be a whole number, was '"
                    + versionOption + "'");
        }
    }

    /**
     * Refuses {@code --version N} before a command that has no such option.
     *
     * @param command the command
     */
    void refuseVersionBeforeCommand(CommandLine command) {
        if (versionOption != null) {
            throw new CommandLine.ParameterException(command, versionOption.isEmpty()
                    ? "--version before a command: coordctl's own version is printed by 'coordctl -V' alone"
                    : "--version " + versionOption + " is an option of set and delete only");
        }
    }

    /** @return standard input, for values given as {@code -} */
    InputStream in() {
        return in;
    }

    /**
     * @param args the command line
     * @return how many {@code -v} were given before {@code --} ({@code -vv} counts 2)
     */
    static int verbosity(String[] args) {
        int n = 0;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--verbose")) {
                n++;
            } else if (a.matches("-v+")) {
                n += a.length() - 1;
            }
        }
        return n;
    }

    /**
     * Sets the log levels of slf4j-simple before its first use: by default nothing (coordctl reports failures
     * itself, in one line), -v warnings, -vv info, -vvv debug. A level set with -D (JAVA_OPTS) is left as it is.
     */
    private static void configureLogging(int verbosity) {
        String level = switch (Math.min(verbosity, 3)) {
            case 0 -> "off";
            case 1 -> "warn";
            case 2 -> "info";
            default -> "debug";
        };
        for (String key : new String[]{"org.slf4j.simpleLogger.defaultLogLevel",
                "org.slf4j.simpleLogger.log.org.apache.zookeeper", "org.slf4j.simpleLogger.log.org.apache.curator"}) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, level);
            }
        }
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

    /** @return the operation timeout of the command line, else the URI's, else the default */
    Duration effectiveOperationTimeout() {
        if (operationTimeout != null) {
            return operationTimeout;
        }
        return DurationText.parse(Coordinators.uriOptions(requireUri()).getOrDefault("operationTimeout", ""))
                .orElse(DEFAULT_TIMEOUT);
    }

    /** @return the session TTL given on the command line, or null */
    Duration sessionTtlOrNull() {
        return sessionTtl;
    }

    /** Runs the last command given, after refusing a {@code --version N} before a command that has none. */
    private static int executeLast(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        if (last.commandSpec().userObject() instanceof Subcommand s && !s.acceptsVersionBeforeCommand()
                && !last.isUsageHelpRequested()) {
            s.root.refuseVersionBeforeCommand(last.commandSpec().commandLine());
        }
        return new CommandLine.RunLast().execute(parsed);
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
