package io.coordkit.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LocalProcessTest {

    private final List<LocalProcess> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(LocalProcess::close);
    }

    private LocalProcess ticker() {
        LocalProcess p = LocalProcess.builder("ticker")
                .javaMain(List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"), TestMains.Ticker.class.getName()).start();
        started.add(p);
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(p.logFile()) > 3);
        return p;
    }

    @Test
    void freezeStopsTheProcessAndThawResumesIt() {
        LocalProcess p = ticker();
        p.freeze();
        assertThat(p.isFrozen()).isTrue();
        assertThat(p.isAlive()).isTrue();
        long frozenAt = lines(p.logFile());
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                .until(() -> lines(p.logFile()) == frozenAt);
        p.thaw();
        assertThat(p.isFrozen()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> lines(p.logFile()) > frozenAt + 3);
    }

    @Test
    void killEndsTheProcessAndRestartRunsTheSameCommandAgain() {
        LocalProcess p = ticker();
        long firstPid = p.pid().orElseThrow();
        p.kill();
        assertThat(p.isAlive()).isFalse();
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        p.restart();
        assertThat(p.isAlive()).isTrue();
        assertThat(p.pid().orElseThrow()).isNotEqualTo(firstPid);
        assertThat(p.logTail(1000)).contains("start #2 of ticker");
    }

    @Test
    void stopEndsEvenAFrozenProcess() {
        LocalProcess p = ticker();
        p.freeze();
        p.stop(Duration.ofSeconds(5));
        assertThat(p.isAlive()).isFalse();
        assertThat(p.isFrozen()).isFalse();
    }

    @Test
    void startingARunningProcessIsRefused() {
        LocalProcess p = ticker();
        assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
    }

    @Test
    void freezingAStoppedProcessIsRefused() {
        LocalProcess p = ticker();
        p.kill();
        assertThatThrownBy(p::freeze).isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
    }

    @Test
    void childDiesWhenItsParentIsKilled() throws Exception {
        assertGrandchildDiesAfterParentEnds("wait", true);
    }

    @Test
    void frozenChildDiesWhenItsParentIsKilled() throws Exception {
        assertGrandchildDiesAfterParentEnds("freeze", true);
    }

    @Test
    void reaperKillsChildrenWhenTheParentExitsNormally() throws Exception {
        assertGrandchildDiesAfterParentEnds("exit", false);
    }

    private void assertGrandchildDiesAfterParentEnds(String mode, boolean killParent) throws Exception {
        Path dir = TestDirectories.newLogDirectory("spawner");
        LocalProcess parent = LocalProcess.builder("spawner-" + mode).logFile(dir.resolve("spawner.log"))
                .javaMain(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"), TestMains.Spawner.class.getName(), mode,
                        dir.resolve("grandchild.log").toString())
                .start();
        started.add(parent);
        Pattern pidLine = Pattern.compile("^pid (\\d+)$", Pattern.MULTILINE);
        long grandchild = await().atMost(Duration.ofSeconds(30)).until(() -> {
            Matcher m = pidLine.matcher(Files.readString(parent.logFile()));
            return m.find() ? Long.parseLong(m.group(1)) : -1L;
        }, pid -> pid > 0);
        if (mode.equals("freeze")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(parent.logFile()).contains("frozen"));
        }
        if (killParent) {
            assertThat(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive)).contains(true);
            parent.kill();
        } else {
            assertThat(parent.waitFor(Duration.ofSeconds(30))).isPresent();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false))
                        .as("grandchild %d still alive after its parent ended (%s)", grandchild, mode).isFalse());
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.startsWith("tick")).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void freePortsAreDistinctAndBindable() throws IOException {
        int[] ports = FreePorts.next(20);
        assertThat(ports).doesNotHaveDuplicates();
        try (java.net.ServerSocket s = new java.net.ServerSocket(ports[0], 1, FreePorts.loopback())) {
            assertThat(FreePorts.isListening(ports[0])).isTrue();
        }
        assertThat(Optional.of(ports[1]).map(FreePorts::isListening)).contains(false);
    }
}
