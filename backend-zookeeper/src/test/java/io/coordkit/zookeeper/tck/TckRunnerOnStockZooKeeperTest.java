package io.coordkit.zookeeper.tck;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.testing.zookeeper.ZooKeeperCluster;
import io.coordkit.tck.runner.TckRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TCK runner ({@code --uri}) against a ZooKeeper configured as shipped: tickTime 2000 ms, so the least session
 * TTL it grants is 4 s. The runner asks for 3 s by default; it must find the 4 s granted and compute its bounds
 * from it (REG-2 failed before), stay quiet on standard error, and list as not run only rules of the suites it ran.
 */
class TckRunnerOnStockZooKeeperTest {

    @Test
    void theRunnerUsesTheGrantedTtlAndStaysQuiet() throws Exception {
        try (ZooKeeperCluster zk = ZooKeeperCluster.builder().size(1).tickTime(Duration.ofSeconds(2)).build()) {
            zk.start(Duration.ofSeconds(90));
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), TckRunner.class.getName(),
                    "--uri", "zookeeper://" + zk.connectString(), "--suite", "registry").start();
            CompletableFuture<String> out = read(p.getInputStream());
            CompletableFuture<String> err = read(p.getErrorStream());
            try {
                assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the runner ends").isTrue();
            } finally {
                p.destroyForcibly();
            }
            String printed = out.get() + "\n--- standard error:\n" + err.get();
            assertThat(p.exitValue()).as(printed).isZero();
            assertThat(out.get()).as(printed)
                    .contains("session TTL 4000ms: the engine granted it when asked for 3000ms")
                    .contains("under the namespaces coordkit-tck/")
                    .containsPattern("REG-2 +PASSED +required_REG_2_crashedProcessIsRemovedWithinTtlPlusB")
                    .doesNotContain("not run:", "LCK-", "FAILED");
            assertThat(out.get()).as(printed).containsPattern("removed what the TCK wrote on the engine: \\d+ "
                    + "namespaces");
            // nothing of the run is left on the engine
            try (Coordinator c = Coordinators.connect("zookeeper://" + zk.connectString() + "/look")) {
                assertThat(c.admin().namespaces()).as("namespaces left").noneMatch(ns -> ns.startsWith("coordkit-tck"));
            }
            // no log line of coordkit, ZooKeeper's client or Curator: the runner prints only its own output
            List<String> logLines = err.get().lines().filter(l -> l.matches(".*\\b(INFO|WARN|ERROR)\\b.*")).toList();
            assertThat(logLines).as(printed).isEmpty();
        }
    }

    private static CompletableFuture<String> read(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "[stream failed: " + e + "]";
            }
        });
    }
}
