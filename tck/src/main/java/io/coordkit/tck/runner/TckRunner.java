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
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * platform's path separator; the runner starts again with them on its class path), {@code --ttl 3s},
 * {@code --bound 3s} (B of SPEC.md for {@code --uri}), {@code --no-proxy} (do not route clients through TCP
 * proxies for {@code --uri}), {@code --suite NAME} (only suites whose name contains NAME, repeatable),
 * {@code --list-fixtures}. Exit status: 0 if nothing failed, 1 if a rule failed, 2 for bad usage.
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

    static int run(String[] args, PrintStream out) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> suites = new ArrayList<>();
        List<String> passOn = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--uri", "--fixture", "--classpath", "--ttl", "--bound", "--suite" -> {
                    if (i + 1 >= args.length) {
                        return usage(out, a + " needs a value");
                    }
                    String value = args[++i];
                    if (a.equals("--suite")) {
                        suites.add(value);
                    } else {
                        options.put(a, value);
                    }
                    if (!a.equals("--classpath")) {
                        passOn.add(a);
                        passOn.add(value);
                    }
                }
                case "--no-proxy", "--list-fixtures" -> {
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
        if (options.containsKey("--classpath")) {
            return relaunch(options.get("--classpath"), passOn);
        }
        if (options.containsKey("--list-fixtures")) {
            providers().forEach((name, p) -> out.println(name + "  (" + p.getClass().getName() + ")"));
            return 0;
        }
        if (options.containsKey("--uri") == options.containsKey("--fixture")) {
            return usage(out, "give exactly one of --uri and --fixture");
        }
        Supplier<TckFixture> fixtures;
        String target;
        if (options.containsKey("--uri")) {
            Duration ttl;
            Duration bound;
            try {
                ttl = duration(options.getOrDefault("--ttl", "3s"));
                bound = duration(options.getOrDefault("--bound", "3s"));
            } catch (IllegalArgumentException e) {
                return usage(out, e.getMessage());
            }
            String uri = options.get("--uri");
            boolean proxy = !options.containsKey("--no-proxy");
            fixtures = () -> new ExternalFixture("external", uri, ttl, bound, proxy);
            try {
                target = "external engine (" + fixtures.get() + ")";
            } catch (IllegalArgumentException e) {
                return usage(out, "--uri: " + e.getMessage());
            }
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
        // A suite is named by its runner class (Lock) or by the rule class it runs (LockRules).
        List<Class<?>> selected = RunnerSuites.all().stream().filter(c -> suites.isEmpty()
                || suites.stream().anyMatch(s -> matches(c, s))).collect(Collectors.toList());
        if (selected.isEmpty()) {
            return usage(out, "no suite matches " + suites + "; suites: " + RunnerSuites.all().stream()
                    .map(c -> c.getSuperclass().getSimpleName()).collect(Collectors.joining(", ")));
        }
        out.println("coordkit TCK against " + target + ": " + selected.size() + " suites");
        List<Row> rows = execute(selected, out);
        printTable(rows, out);
        return exitStatus(rows);
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

    private static int relaunch(String classpath, List<String> args) throws Exception {
        String self;
        try {
            self = Path.of(TckRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the runner's own jar", e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(self + File.pathSeparator + classpath);
        cmd.add(TckRunner.class.getName());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        return p.waitFor();
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
        List<String> untested = SpecRules.RULES.stream().filter(rule -> !covered.contains(rule))
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
        out.println("usage: java -jar coordkit-tck.jar (--uri URI | --fixture NAME) [--classpath PATHS] [--ttl 3s] "
                + "[--bound 3s] [--no-proxy] [--suite NAME]... | --list-fixtures");
        return error == null ? 0 : 2;
    }
}
