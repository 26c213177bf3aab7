package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.lock.LockLease;
import io.coordkit.zookeeper.embedded.EmbeddedZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs coordctl as a real process (its own JVM, as a user would) where signals matter: termination must clean
 * up at once, and a lock lost while its command runs must end the command.
 */
class CoordctlProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedZooKeeper zk;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void startZooKeeper() {
        zk = new EmbeddedZooKeeper().start();
    }

    @AfterAll
    static void stopZooKeeper() {
        if (zk != null) {
            zk.close();
        }
    }

    @AfterEach
    void killLeftovers() throws IOException, InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                signal(p, "CONT");
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A coordctl process and what it printed so far. */
    private record Run(Process process, StringBuffer out, StringBuffer err) {
    }

    private Run coordctl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Coordctl.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        started.add(p);
        StringBuffer out = new StringBuffer();
        StringBuffer err = new StringBuffer();
        copy(p.getInputStream(), out);
        copy(p.getErrorStream(), err);
        return new Run(p, out, err);
    }

    private static void copy(InputStream in, StringBuffer to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (in) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    to.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                to.append("[stream failed: ").append(e.getMessage()).append(']');
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static void signal(Process p, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal).isZero();
    }

    @Test
    void terminationDeregistersAtOnceInsteadOfWaitingForTheSessionTtl() throws Exception {
        String uri = zk.uri("proc-register");
        Run reg = coordctl("--uri", uri, "--ttl", "60s", "register", "orders", "node-1", "127.0.0.1:8080");
        await().atMost(WAIT).until(() -> reg.out().toString().contains("registered orders node-1"));
        try (Coordinator c = Coordinators.connect(uri)) {
            assertThat(c.registry().instances("orders")).hasSize(1);
            reg.process().destroy(); // SIGTERM
            assertThat(reg.process().waitFor(20, TimeUnit.SECONDS)).as("coordctl exits on SIGTERM").isTrue();
            assertThat(reg.process().exitValue()).as(reg.err().toString()).isEqualTo(128 + 15);
            // the registration was closed before the process ended, not left to a 60 s session expiry
            await().atMost(Duration.ofSeconds(10)).until(() -> c.registry().instances("orders").isEmpty());
        }
    }

    @Test
    void lockLostWhileTheCommandRunsEndsTheCommandWithExitCode5() throws Exception {
        String uri = zk.uri("proc-lock");
        Run lock = coordctl("--uri", uri, "--ttl", "2s", "lock", "jobs/frozen", "--", "sh", "-c", "sleep 120");
        await().atMost(WAIT).until(() -> lock.err().toString().contains("fencing token"));
        Matcher m = Pattern.compile("fencing token (\\d+)").matcher(lock.err());
        assertThat(m.find()).isTrue();
        long token = Long.parseLong(m.group(1));
        await().atMost(WAIT).until(() -> lock.process().descendants().findAny().isPresent());
        List<ProcessHandle> command = lock.process().descendants().toList();

        signal(lock.process(), "STOP"); // coordctl freezes past its TTL; its command runs on
        try (Coordinator other = Coordinators.connect(uri);
             LockLease lease = other.locks().lock("jobs/frozen").acquire(WAIT)) {
            assertThat(lease.fencingToken()).isGreaterThan(token);
            signal(lock.process(), "CONT");
            assertThat(lock.process().waitFor(30, TimeUnit.SECONDS)).as("coordctl ends once it sees the loss")
                    .isTrue();
            assertThat(lock.process().exitValue()).as(lock.err().toString()).isEqualTo(ExitCode.ERROR);
            assertThat(lock.err().toString()).contains("lock 'jobs/frozen' lost");
            for (ProcessHandle h : command) {
                assertThat(h.onExit()).as("the command's process " + h.pid()).succeedsWithin(Duration.ofSeconds(10));
            }
            assertThat(lease.isValid()).as("the new holder keeps the lock").isTrue();
        }
    }
}
