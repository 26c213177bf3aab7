package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.zookeeper.embedded.EmbeddedZooKeeper;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code coordctl demo}: plays the four coordination scenarios live (naming, locking, configuration, leader
 * election) against a backend, with real processes that are killed and frozen, and checks that each behaves as
 * stated. Without a URI it starts an embedded ZooKeeper for the time of the demo.
 *
 * <p>Every name the demo uses lives under a segment of its own ({@code demo-<time>}), so runs against a shared
 * backend never meet; config keys it wrote are deleted at the end, and session-bound state ends with the
 * demo's processes.
 */
public final class Demo {

    /** The session TTL of the demo when none is given: short, so that crashes are noticed quickly. */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofSeconds(2);

    private static final String EMBEDDED_NAMESPACE = "demo";

    private final String uri;
    private final Duration sessionTtl;
    private final PrintWriter out;

    /**
     * @param uri        the backend's URI, or null to start an embedded ZooKeeper
     * @param sessionTtl the session TTL of every coordinator and actor, or null for {@link #DEFAULT_SESSION_TTL}
     * @param out        where the demo shows its steps
     */
    public Demo(String uri, Duration sessionTtl, PrintWriter out) {
        this.uri = uri;
        this.sessionTtl = sessionTtl == null ? DEFAULT_SESSION_TTL : sessionTtl;
        this.out = Objects.requireNonNull(out, "out");
    }

    /** What every scenario runs with. */
    record Settings(String uri, Duration sessionTtl, String runId) {
    }

    /** The demo's child processes, so that an interrupted demo leaves none behind. */
    static final class ProcessRegistry {
        private final Set<DemoActor> live = ConcurrentHashMap.newKeySet();

        void add(DemoActor p) {
            live.add(p);
        }

        void remove(DemoActor p) {
            live.remove(p);
        }

        void destroyAll() {
            live.forEach(DemoActor::destroyNow);
        }
    }

    /**
     * Plays the four scenarios.
     *
     * @return true if every scenario behaved as stated
     * @throws IllegalArgumentException                if the URI is invalid
     * @throws io.coordkit.BackendUnavailableException if the backend cannot be reached
     * @throws InterruptedException                    if interrupted
     */
    public boolean run() throws InterruptedException {
        long start = System.nanoTime();
        ProcessRegistry processes = new ProcessRegistry();
        Thread hook = new Thread(processes::destroyAll, "coordctl-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        EmbeddedZooKeeper zk = null;
        try {
            String target = uri;
            String where;
            if (target == null) {
                zk = new EmbeddedZooKeeper().start();
                target = zk.uri(EMBEDDED_NAMESPACE);
                where = "an embedded ZooKeeper at " + zk.connectString();
            } else {
                where = "the backend at " + target.replaceFirst("(://[^:@/]*):[^@/]*@", "$1:***@");
            }
            String runId = "demo-" + Long.toString(System.currentTimeMillis(), 36);
            Settings settings;
            try (Coordinator probe = Coordinators.builder(target).sessionTtl(sessionTtl).connect()) {
                // The engine may grant another TTL than asked (ZooKeeper: at least 2 x tickTime); the demo's
                // sessions then ask for the granted one, and its expectations are computed from it.
                Duration ttl = probe.sessionTtl();
                settings = new Settings(target, ttl, runId);
                String shown = ttl.equals(sessionTtl) ? Stage.seconds(ttl)
                        : Stage.seconds(ttl) + " (granted by the engine when asked for " + Stage.seconds(sessionTtl)
                        + ")";
                out.printf("coordctl demo on %s (%s backend), session TTL %s, names under %s/%n", where,
                        probe.scheme(), shown, settings.runId());
            }
            out.flush();
            return playAll(settings, processes, start);
        } finally {
            processes.destroyAll();
            if (zk != null) {
                zk.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now
            }
        }
    }

    private boolean playAll(Settings settings, ProcessRegistry processes, long start) throws InterruptedException {
        List<Scenario> scenarios = List.of(new NamingScenario(), new LockingScenario(), new ConfigScenario(),
                new ElectionScenario());
        List<String> results = new ArrayList<>();
        int passed = 0;
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario scenario = scenarios.get(i);
            out.printf("%n%d/%d %s: %s%n", i + 1, scenarios.size(), scenario.name(), scenario.title());
            out.flush();
            long t0 = System.nanoTime();
            Stage stage = new Stage(settings, out, processes);
            try {
                scenario.play(stage);
            } catch (DemoFailure f) {
                stage.fail(f.getMessage());
                stage.printDiagnostics();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                stage.fail("unexpected error: " + e);
                stage.printDiagnostics();
            } finally {
                stage.close();
            }
            String took = Stage.between(t0, System.nanoTime());
            if (stage.passed()) {
                passed++;
                out.printf("  PASS %s in %s%n", scenario.name(), took);
                results.add(String.format(Locale.ROOT, "  PASS  %-9s %7s  %s", scenario.name(), took,
                        stage.summary()));
            } else {
                out.printf("  FAIL %s in %s%n", scenario.name(), took);
                results.add(String.format(Locale.ROOT, "  FAIL  %-9s %7s  %s", scenario.name(), took,
                        String.join("; ", stage.failures())));
            }
            out.flush();
        }
        out.printf("%nsummary%n");
        results.forEach(out::println);
        out.printf("%d/%d scenarios passed in %s%n", passed, scenarios.size(),
                Stage.between(start, System.nanoTime()));
        out.flush();
        return passed == scenarios.size();
    }
}
