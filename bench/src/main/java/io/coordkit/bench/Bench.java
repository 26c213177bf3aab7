package io.coordkit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark command (scripts/bench): starts each engine with the project's launchers, measures coordkit
 * beside the engine's native client and raw round trip, and writes {@code <out>/bench-<mode>.md} and
 * {@code .json}.
 *
 * <pre>
 * java -jar coordkit-bench.jar [--quick | --full] [--engines zookeeper,etcd,redis] [--out target/bench]
 * </pre>
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.quick();
        List<String> engines = List.of("zookeeper", "etcd", "redis");
        Path out = Path.of("target", "bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> settings = Settings.quick();
                case "--full" -> settings = Settings.full();
                case "--tiny" -> settings = Settings.tiny();
                case "--engines" -> engines = List.of(value(args, ++i, "--engines").split(","));
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "-h", "--help" -> {
                    System.out.println("usage: scripts/bench [--quick | --full] [--engines zookeeper,etcd,redis]"
                            + " [--out DIR]");
                    return;
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        List<EngineBench> benches = new ArrayList<>();
        for (String e : engines) {
            benches.add(switch (e.trim().toLowerCase(Locale.ROOT)) {
                case "zookeeper" -> new ZooKeeperBench();
                case "etcd" -> new EtcdBench();
                case "redis" -> new RedisBench();
                default -> throw usage("--engines: unknown engine '" + e + "' (zookeeper, etcd, redis)");
            });
        }
        List<Row> rows = run(settings, benches, out, System.out::println);
        long missed = rows.stream().filter(r -> !r.missed().isEmpty()).count();
        System.out.println("bench: " + rows.size() + " rows, " + missed + " with a target missed; report in "
                + out.resolve("bench-" + settings.name() + ".md"));
    }

    /**
     * Runs the engines' rows and writes the report.
     *
     * @return the rows
     */
    static List<Row> run(Settings settings, List<EngineBench> benches, Path out, Runner.Progress progress)
            throws Exception {
        Map<String, String> env = environment(settings);
        Runner runner = new Runner(settings, progress);
        List<Row> rows = new ArrayList<>();
        long started = System.nanoTime();
        for (EngineBench b : benches) {
            progress.say("bench: " + b.engine() + " (" + settings.name() + " mode)");
            rows.addAll(b.run(runner, settings, env));
            Report.write(out, "bench-" + settings.name(), rows, env); // after each engine: a partial report survives
        }
        env.put("load average at the end (1/5/15 min)", loadAverage());
        env.put("duration", Math.round((System.nanoTime() - started) / 1e9) + " s");
        Report.write(out, "bench-" + settings.name(), rows, env);
        return rows;
    }

    private static Map<String, String> environment(Settings s) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("mode", s.name() + " (warm-up " + s.warmup() + " ops or " + s.warmupTime().toSeconds()
                + " s per side, whichever ends first, " + s.rounds() + " rounds of "
                + s.batch() + " ops or " + s.roundTime().toMillis() + " ms per side, whichever ends first; contended: " + s.contendedRounds() + " rounds of " + s.contendedFor().toMillis()
                + " ms per side; sides alternate in a rotating order)");
        env.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        env.put("machine", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "; servers and clients "
                + "on 127.0.0.1");
        env.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        env.put("load average at the start (1/5/15 min)", loadAverage());
        return env;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw usage(option + " needs a value");
        }
        return args[i];
    }

    private static IllegalArgumentException usage(String message) {
        System.err.println("bench: " + message);
        System.err.println("usage: scripts/bench [--quick | --full] [--engines zookeeper,etcd,redis] [--out DIR]");
        System.exit(2);
        return new IllegalArgumentException(message);
    }
}
