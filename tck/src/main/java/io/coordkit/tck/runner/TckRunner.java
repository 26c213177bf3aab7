package io.coordkit.tck.runner;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.TckUris;
import io.coordkit.tck.TckFixtureProvider;
import io.coordkit.tck.fixtures.ExternalFixture;
import io.coordkit.tck.rules.TckSuite;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs every TCK rule against a backend and prints a rule-by-rule table.
 *
 * <pre>
 * java -jar coordkit-tck.jar --uri zookeeper://127.0.0.1:2181 [--classpath backend.jar:deps...]
 * java -jar coordkit-tck.jar --fixture zookeeper-ensemble --classpath ...
 * </pre>
 *
 * Options: {@code --uri URI} (an engine that runs already; failover checks are not run), {@code --fixture NAME}
 * (a fixture found through {@link TckFixtureProvider}), {@code --classpath PATHS} (backend jars, separated by the
 * platform's path separator; the runner starts again with them on its class path, in a JVM with this JVM's
 * options and every {@code --jvm-arg ARG}), {@code --ttl 3s} (the TTL to ask for with {@code --uri}; the runner
 * uses the TTL the engine grants, {@code Coordinator.sessionTtl()}), {@code --bound 3s} (B of SPEC.md for {@code --uri}), {@code --no-proxy} (do not route
 * clients through TCP proxies for {@code --uri}), {@code --suite NAME} (only suites whose name contains NAME,
 * repeatable), {@code --keep} (do not remove what the suites wrote on the {@code --uri} engine), {@code --verbose}
 * (show the logs of coordkit and the engine clients, off by default),
 * {@code --list-fixtures}. Exit status: 0 if nothing failed, 1 if a rule failed, 2 for bad usage or an engine
 * the runner cannot run against.
 */
public final class TckRunner {

    /** The result of one test in the table. */
    enum Result {
        PASSED, FAILED, NOT_CLAIMED, NOT_RUN;

        String label() {
            return name().replace('_', ' ');
        }
    }

    /** One row of the table. */
    record Row(String rule, String suite, String test, Result result, String observed) {
    }

    private TckRunner() {
    }

    /**
     * @param args see the class documentation
     * @throws Exception if the runner itself fails
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /**
     * Runs the runner in this JVM (with {@code --classpath}, in a new one), for tests and embedding.
     *
     * @param args see the class documentation
     * @param out  where the runner prints
     * @return the exit status
     * @throws Exception if the runner itself fails
     */
    public static int run(String[] args, PrintStream out) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> suites = new ArrayList<>();
        List<String> jvmArgs = new ArrayList<>();
        List<String> passOn = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--uri", "--fixture", "--classpath", "--ttl", "--bound", "--suite", "--jvm-arg" -> {
                    if (i + 1 >= args.length) {
                        return usage(out, a + " needs a value");
                    }
                    String value = args[++i];
                    if (a.equals("--suite")) {
                        suites.add(value);
                    } else if (a.equals("--jvm-arg")) {
                        jvmArgs.add(value);
                    } else {
                        options.put(a, value);
                    }
                    if (!a.equals("--classpath") && !a.equals("--jvm-arg")) {
                        passOn.add(a);
                        passOn.add(value);
                    }
                }
                case "--no-proxy", "--list-fixtures", "--verbose", "--keep" -> {
                    options.put(a, "true");
                    passOn.add(a);
                }
                case "--help", "-h" -> {
                    return usage(out, null);
                }
                default -> {
                    return usage(out, "unknown argument " + a);
                }
            }
        }
        if (!jvmArgs.isEmpty() && !options.containsKey("--classpath")) {
            return usage(out, "--jvm-arg is for the JVM the runner starts with --classpath; without --classpath, "
                    + "give JVM options to java itself");
        }
        if (options.containsKey("--classpath")) {
            return relaunch(options.get("--classpath"), jvmArgs, passOn);
        }
        boolean verbose = options.containsKey("--verbose");
        quietLogs(verbose);
        if (options.containsKey("--list-fixtures")) {
            providers().forEach((name, p) -> out.println(name + "  (" + p.getClass().getName() + ")"));
            return 0;
        }
        if (options.containsKey("--uri") == options.containsKey("--fixture")) {
            return usage(out, "give exactly one of --uri and --fixture");
        }
        // A suite is named by its runner class (Lock) or by the rule class it runs (LockRules).
        List<Class<?>> selected = RunnerSuites.all().stream().filter(c -> suites.isEmpty()
                || suites.stream().anyMatch(s -> matches(c, s))).collect(Collectors.toList());
        if (selected.isEmpty()) {
            return usage(out, "no suite matches " + suites + "; suites: " + RunnerSuites.all().stream()
                    .map(c -> c.getSuperclass().getSimpleName()).collect(Collectors.joining(", ")));
        }
        Supplier<TckFixture> fixtures;
        String target;
        WrittenNamespaces written = null;
        TckFixture external = null;
        if (options.containsKey("--uri")) {
            Duration ttl;
            Duration bound;
            try {
                ttl = duration(options.getOrDefault("--ttl", "3s"));
                bound = duration(options.getOrDefault("--bound", "3s"));
            } catch (IllegalArgumentException e) {
                return usage(out, e.getMessage());
            }
            boolean proxy = !options.containsKey("--no-proxy");
            String uri;
            try {
                uri = withGrantedTtl(options.get("--uri"), ttl, bound, proxy, out);
            } catch (IllegalArgumentException e) {
                return usage(out, "--uri: " + e.getMessage());
            } catch (RefusedException e) {
                out.println("error: " + e.getMessage());
                return 2;
            }
            String chosen = uri;
            written = new WrittenNamespaces();
            WrittenNamespaces record = written;
            fixtures = () -> record.recording(new ExternalFixture("external", chosen, ttl, bound, proxy));
            external = new ExternalFixture("external", chosen, ttl, bound, proxy);
            target = "external engine (" + external + ")";
            out.println("The TCK writes on this engine under the namespaces " + TCK_NAMESPACE + "/... (one per "
                    + "test) and " + PROBE_NAMESPACE + ": config keys, locks, registrations, candidacies. "
                    + (options.containsKey("--keep") ? "With --keep they stay there after the run."
                    : "It removes them at the end (--keep leaves them)."));
        } else {
            String name = options.get("--fixture");
            Map<String, TckFixtureProvider> known = providers();
            TckFixtureProvider provider = known.get(name);
            if (provider == null) {
                return usage(out, "unknown fixture " + name + "; known: " + known.keySet());
            }
            fixtures = () -> provider.create(name);
            target = "fixture " + name;
        }
        RunnerSuites.use(fixtures);
        out.println("coordkit TCK against " + target + ": " + selected.size() + " suites"
                + (verbose ? "" : " (engine client logs off; --verbose shows them)"));
        List<Row> rows = execute(selected, out);
        printTable(rows, rulesOf(selected), out);
        if (written != null && !options.containsKey("--keep")) {
            written.removeAll(external, out);
        }
        return exitStatus(rows);
    }

    /** Where the suites' namespaces live ({@link io.coordkit.tck.TckClients#newNamespace(String)}). */
    static final String TCK_NAMESPACE = "coordkit-tck";
    /** The namespace of {@link ExternalFixture}'s start probe. */
    static final String PROBE_NAMESPACE = "coordkit-tck-probe";

    /** The runner cannot run the suites against the engine as asked. */
    static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * Finds the session TTL the engine grants and returns a URI that asks for exactly that, so that every
     * {@code TTL + B} bound of the suites is computed from the TTL that applies.
     *
     * @param uri      the {@code --uri}
     * @param ttl      the {@code --ttl} (used unless the URI sets its own)
     * @param bound    B
     * @param proxy    whether to proxy
     * @param out      where to say what was found
     * @return the URI to run the suites with
     * @throws RefusedException if the engine cannot be reached, or grants no TTL as asked
     */
    static String withGrantedTtl(String uri, Duration ttl, Duration bound, boolean proxy, PrintStream out)
            throws RefusedException {
        ExternalFixture asked = new ExternalFixture("external", uri, ttl, bound, proxy);
        Duration wanted = asked.sessionTtl();
        Duration granted;
        try {
            granted = EngineProbe.grantedTtl(asked.uri(PROBE_NAMESPACE));
        } catch (RuntimeException e) {
            throw new RefusedException("cannot reach the engine at " + asked + ": " + e.getMessage());
        }
        if (granted.equals(wanted)) {
            return uri;
        }
        TckUris changed = TckUris.parse(uri).withoutOption(TckUris.SESSION_TIMEOUT)
                .withOption(TckUris.SESSION_TTL, TckUris.duration(granted));
        ExternalFixture again = new ExternalFixture("external", changed.toString(), granted, bound, proxy);
        Duration second;
        try {
            second = EngineProbe.grantedTtl(again.uri(PROBE_NAMESPACE));
        } catch (RuntimeException e) {
            throw new RefusedException("cannot reach the engine at " + again + ": " + e.getMessage());
        }
        if (!second.equals(granted)) {
            throw new RefusedException("the engine granted a session TTL of " + granted.toMillis()
                    + " ms for " + wanted.toMillis() + " ms, and " + second.toMillis() + " ms when asked for "
                    + granted.toMillis() + " ms: no TTL is granted as asked; choose one with --ttl");
        }
        out.println("session TTL " + TckUris.duration(granted) + ": the engine granted it when asked for "
                + TckUris.duration(wanted) + " (on ZooKeeper the least TTL is minSessionTimeout, by default "
                + "2 x tickTime); the suites ask for it and compute every TTL + B bound from it");
        return changed.toString();
    }

    /**
     * Turns the logs of coordkit and the engine clients off unless asked for: slf4j-simple, the binding the
     * backends' class paths bring. Its default level and every logger level of the {@code simplelogger.properties}
     * on the class path are set, unless a -D option sets them already. Must run before the first logger is made.
     * Another slf4j binding on the class path is configured as that binding is.
     */
    static void quietLogs(boolean verbose) {
        String level = verbose ? "info" : "off";
        Set<String> keys = new TreeSet<>(List.of(LOG_PREFIX + "defaultLogLevel", LOG_PREFIX + "log.io.coordkit",
                LOG_PREFIX + "log.org.apache.zookeeper", LOG_PREFIX + "log.org.apache.curator"));
        try (InputStream in = TckRunner.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
            if (in != null) {
                Properties file = new Properties();
                file.load(in);
                file.stringPropertyNames().stream().filter(k -> k.startsWith(LOG_PREFIX + "log.")).forEach(keys::add);
            }
        } catch (IOException e) {
            // only the keys above then
        }
        for (String key : keys) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, level);
            }
        }
    }

    private static final String LOG_PREFIX = "org.slf4j.simpleLogger.";

    /**
     * @param suites runner suites
     * @return the rules their tests check, in SPEC.md order
     */
    static List<String> rulesOf(List<Class<?>> suites) {
        Set<String> rules = new TreeSet<>(Comparator.comparingInt(SpecRules::order).thenComparing(r -> r));
        for (Class<?> suite : suites) {
            for (Class<?> k = suite; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Method m : k.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(org.junit.jupiter.api.Test.class)) {
                        SpecRules.ruleOf(m.getName()).ifPresent(rules::add);
                    }
                }
            }
        }
        return List.copyOf(rules);
    }

    /**
     * @param rows the rows of a run, suites that failed as a whole included
     * @return 1 when a row failed, else 0
     */
    static int exitStatus(List<Row> rows) {
        return rows.stream().anyMatch(r -> r.result() == Result.FAILED) ? 1 : 0;
    }

    private static boolean matches(Class<?> suite, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return suite.getSimpleName().toLowerCase(Locale.ROOT).contains(wanted)
                || suite.getSuperclass().getSimpleName().toLowerCase(Locale.ROOT).contains(wanted);
    }

    private static Map<String, TckFixtureProvider> providers() {
        Map<String, TckFixtureProvider> known = new LinkedHashMap<>();
        for (TckFixtureProvider p : ServiceLoader.load(TckFixtureProvider.class)) {
            p.fixtureNames().forEach(n -> known.put(n, p));
        }
        return known;
    }

    static Duration duration(String text) {
        return TckUris.parseDuration(text); // the syntax of URI options (SPEC.md URI-3)
    }

    /**
     * Starts the runner again with the backend's class path, in a JVM with the same options as this one (for
     * example {@code java -Xmx2g -jar coordkit-tck.jar}) plus every {@code --jvm-arg}. A debugger agent is not
     * passed on (its port is taken by this JVM).
     */
    private static int relaunch(String classpath, List<String> jvmArgs, List<String> args) throws Exception {
        Process p = new ProcessBuilder(relaunchCommand(classpath, jvmArgs, args)).inheritIO().start();
        return p.waitFor();
    }

    /**
     * @param classpath the backend's class path
     * @param jvmArgs   the {@code --jvm-arg}s
     * @param args      the runner's arguments without {@code --classpath} and {@code --jvm-arg}
     * @return the command that starts the runner again
     */
    static List<String> relaunchCommand(String classpath, List<String> jvmArgs, List<String> args) {
        String self;
        try {
            self = Path.of(TckRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the runner's own jar", e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp") && !a.startsWith("-Xrunjdwp"))
                .forEach(cmd::add);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(self + File.pathSeparator + classpath);
        cmd.add(TckRunner.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs the classes. A suite (or the engine) that fails or is aborted as a whole, for example because its
     * fixture did not start, reports none of its tests; it gets a row of its own (rule {@code -}), FAILED or NOT
     * RUN, so that the exit status counts it.
     */
    static List<Row> execute(List<Class<?>> classes, PrintStream out) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        classes.forEach(c -> request.selectors(RunnerSuites.selector(c)));
        LauncherDiscoveryRequest discovery = request.build();
        Launcher launcher = LauncherFactory.create();
        List<Row> rows = new ArrayList<>();
        launcher.execute(discovery, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                rows.add(id.isTest() ? row(id, Result.NOT_RUN, reason) : containerRow(id, Result.NOT_RUN, reason));
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) {
                    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        Result r = result.getStatus() == TestExecutionResult.Status.FAILED ? Result.FAILED
                                : Result.NOT_RUN;
                        String message = result.getThrowable().map(Throwable::toString).orElse("");
                        out.println("  suite " + id.getDisplayName() + " " + r.label().toLowerCase(Locale.ROOT)
                                + ": " + message);
                        rows.add(containerRow(id, r, message));
                    }
                    return;
                }
                String message = result.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse("");
                Result r = switch (result.getStatus()) {
                    case SUCCESSFUL -> Result.PASSED;
                    case FAILED -> Result.FAILED;
                    case ABORTED -> message.startsWith(TckSuite.NOT_CLAIMED) ? Result.NOT_CLAIMED : Result.NOT_RUN;
                };
                Row row = row(id, r, r == Result.PASSED ? "" : message);
                rows.add(row);
                out.printf("  %-11s %-7s %s%n", r.label(), row.rule(), row.test());
            }
        });
        return rows;
    }

    private static Row row(TestIdentifier id, Result result, String observed) {
        String method = id.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s)
                .getMethodName()).orElse(id.getDisplayName());
        String suite = id.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s)
                .getJavaClass().getSuperclass().getSimpleName()).orElse("");
        return new Row(SpecRules.ruleOf(method).orElse("?"), suite, method, result, observed);
    }

    private static Row containerRow(TestIdentifier id, Result result, String observed) {
        String suite = id.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s)
                .getJavaClass().getSuperclass().getSimpleName()).orElse(id.getDisplayName());
        return new Row("-", suite, "(suite " + id.getDisplayName() + ")", result, observed);
    }

    static void printTable(List<Row> rows, PrintStream out) {
        printTable(rows, SpecRules.RULES, out);
    }

    /**
     * @param rows     the rows
     * @param expected the rules the suites that ran check; those without a row are listed as not run
     * @param out      where to print
     */
    static void printTable(List<Row> rows, List<String> expected, PrintStream out) {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt((Row r) -> SpecRules.order(r.rule())).thenComparing(Row::test));
        out.println();
        out.printf("%-7s  %-11s  %-64s  %s%n", "RULE", "RESULT", "TEST", "OBSERVED");
        for (Row r : sorted) {
            String observed = r.observed().replaceAll("\\s+", " ");
            if (observed.length() > 300) {
                observed = observed.substring(0, 300) + "...";
            }
            out.printf("%-7s  %-11s  %-64s  %s%n", r.rule(), r.result().label(), r.test(), observed);
        }
        Set<String> covered = rows.stream().map(Row::rule).collect(Collectors.toCollection(TreeSet::new));
        List<String> untested = expected.stream().filter(rule -> !covered.contains(rule))
                .collect(Collectors.toList());
        Map<Result, Long> counts = new LinkedHashMap<>();
        for (Result res : Result.values()) {
            counts.put(res, rows.stream().filter(r -> r.result() == res).count());
        }
        out.println();
        out.println(counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().label().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")) + (untested.isEmpty() ? "" : "; rules not run: " + untested));
        out.println(counts.get(Result.PASSED) + " passed, " + counts.get(Result.FAILED) + " failed");
    }

    private static int usage(PrintStream out, String error) {
        if (error != null) {
            out.println("error: " + error);
        }
        out.println("usage: java [JVM options] -jar coordkit-tck.jar (--uri URI | --fixture NAME) "
                + "[--classpath PATHS [--jvm-arg ARG]...] [--ttl 3s] [--bound 3s] [--no-proxy] "
                + "[--suite NAME]... [--keep] [--verbose] | --list-fixtures");
        return error == null ? 0 : 2;
    }
}
