package io.coordkit.tck.workload;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Coordinator;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigStore;
import io.coordkit.config.Versioned;
import io.coordkit.tck.check.CheckResult;
import io.coordkit.tck.check.History;
import io.coordkit.tck.check.LinearizabilityChecker;
import io.coordkit.tck.check.LinearizabilityChecker.Op;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Concurrent gets, puts, compare-and-sets and deletes on one key from several coordinators, recorded as a history
 * for the {@link LinearizabilityChecker} (CFG-10). Writes that time out or fail for unavailability are recorded
 * with an unknown outcome; reads that fail are left out (a failed read says nothing).
 */
public final class LinearizabilityWorkload {

    private LinearizabilityWorkload() {
    }

    /**
     * @param coordinators         the clients
     * @param key                  the key, which must not exist yet
     * @param threadsPerCoordinator threads per client
     * @param opsPerThread         operations per thread
     * @return the checker's verdict on the history
     * @throws Exception if a thread fails for another reason
     */
    public static CheckResult run(List<Coordinator> coordinators, String key, int threadsPerCoordinator,
                                  int opsPerThread) throws Exception {
        History<Op> history = new History<>("operations on " + key);
        ExecutorService pool = Executors.newFixedThreadPool(coordinators.size() * threadsPerCoordinator);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int ci = 0; ci < coordinators.size(); ci++) {
                ConfigStore cfg = coordinators.get(ci).config();
                for (int t = 0; t < threadsPerCoordinator; t++) {
                    String client = "c" + ci + "t" + t;
                    futures.add(pool.submit(() -> {
                        runClient(cfg, key, client, opsPerThread, history);
                        return null;
                    }));
                }
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new LinearizabilityChecker().check(history.snapshot());
    }

    private static void runClient(ConfigStore cfg, String key, String client, int ops, History<Op> history) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long lastSeen = Versioned.ABSENT;
        for (int i = 0; i < ops; i++) {
            String value = client + "-" + i;
            int dice = rnd.nextInt(100);
            long invoked = history.now();
            try {
                if (dice < 40) {
                    Optional<Versioned<byte[]>> got = cfg.get(key);
                    long done = history.now();
                    if (got.isPresent()) {
                        lastSeen = got.get().version();
                        history.add(Op.get(client, invoked, done, new String(got.get().value(),
                                StandardCharsets.UTF_8), lastSeen));
                    } else {
                        lastSeen = Versioned.ABSENT;
                        history.add(Op.getNotFound(client, invoked, done));
                    }
                } else if (dice < 65) {
                    long version = cfg.put(key, value);
                    history.add(Op.put(client, value, invoked, history.now(), version));
                } else if (dice < 95) {
                    long expected = lastSeen;
                    try {
                        long version = cfg.compareAndSet(key, expected, value.getBytes(StandardCharsets.UTF_8));
                        history.add(Op.cas(client, expected, value, invoked, history.now(), version));
                        lastSeen = version;
                    } catch (VersionConflictException e) {
                        history.add(Op.casConflict(client, expected, value, invoked, history.now()));
                    }
                } else {
                    boolean existed = cfg.delete(key);
                    history.add(Op.delete(client, invoked, history.now(), existed));
                }
            } catch (CoordinationTimeoutException | BackendUnavailableException e) {
                if (dice >= 40 && dice < 65) {
                    history.add(Op.putUnknown(client, value, invoked));
                } else if (dice >= 65 && dice < 95) {
                    history.add(Op.casUnknown(client, lastSeen, value, invoked));
                } else if (dice >= 95) {
                    history.add(Op.deleteUnknown(client, invoked));
                }
            }
        }
    }
}
