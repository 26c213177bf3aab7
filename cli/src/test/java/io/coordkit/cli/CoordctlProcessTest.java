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
import java.nio.file.Files;
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

    /**
     * Sends Ctrl-C's SIGINT, or SIGTERM where the process ignores SIGINT: a test run started as a background job
     * without job control (as {@code cmd &} in a script) passes SIG_IGN for SIGINT down to every child, and a JVM
     * started so never sees Ctrl-C. SIGTERM goes through the same shutdown path of the JVM (its shutdown hooks).
     *
     * @return the exit code coordctl must end with: 128 plus the signal's number
     */
    private static int interrupt(Process p) throws IOException, InterruptedException {
        boolean intIgnored = false;
        for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
            if (line.startsWith("SigIgn:")) {
                intIgnored = (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0x2) != 0; // bit of SIGINT (2)
            }
        }
        signal(p, intIgnored ? "TERM" : "INT");
        return 128 + (intIgnored ? 15 : 2);
    }

    /** @return its standard error once it exited, after checking that it exited with {@code code} */
    private static String exits(Run run, int code) throws InterruptedException {
        assertThat(run.process().waitFor(60, TimeUnit.SECONDS)).as("coordctl exits; " + run.err()).isTrue();
        await().atMost(WAIT).until(() -> !run.process().isAlive());
        assertThat(run.process().exitValue()).as(run.err().toString()).isEqualTo(code);
        return run.err().toString();
    }

    private static void assertOneLine(String err) {
        assertThat(err.lines().toList()).as("standard error is one line, without log lines or stack traces: "
                + err).hasSize(1);
        assertThat(err).startsWith("coordctl: ").doesNotContain("Exception", "\tat ");
    }

    @Test
    void wrongCredentialsAreOneLineWithExitCode5() throws Exception {
        String base = "127.0.0.1:" + zk.port() + "/proc-secured";
        try (Coordinator owner = Coordinators.connect("zookeeper://alice:secret@" + base)) {
            owner.config().put("k", "v".getBytes(StandardCharsets.UTF_8)); // the namespace is alice's now
        }
        String wrong = "zookeeper://mallory:guess@" + base;
        for (List<String> command : List.of(List.of("get", "k"), List.of("lock", "l", "--", "true"),
                List.of("leader", "e", "--timeout", "1s"), List.of("register", "s", "i", "127.0.0.1:9"),
                List.of("watch", "--timeout", "20s"))) {
            List<String> args = new ArrayList<>(List.of("--uri", wrong));
            args.addAll(command);
            Run run = coordctl(args.toArray(String[]::new));
            String err = exits(run, ExitCode.ERROR);
            assertOneLine(err);
            assertThat(err).as(command.toString()).contains("not authorized");
        }
    }

    @Test
    void unreachableBackendIsOneLineUnlessVerbose() throws Exception {
        String closed = "zookeeper://127.0.0.1:" + closedPort() + "/x";
        String err = exits(coordctl("--uri", closed, "--op-timeout", "1s", "get", "k"), ExitCode.UNAVAILABLE);
        assertOneLine(err);
        assertThat(err).startsWith("coordctl: backend unavailable");

        // -v shows the engine client's warnings and errors (ZooKeeper's client logs each refused connection)
        String verbose = exits(coordctl("-v", "--uri", closed, "--op-timeout", "1s", "get", "k"),
                ExitCode.UNAVAILABLE);
        assertThat(verbose.lines().count()).as(verbose).isGreaterThan(1);
        assertThat(verbose).contains("org.apache.zookeeper");
    }

    @Test
    void interruptWhileConnectingExitsWithoutWaitingForTheConnectTimeout() throws Exception {
        String closed = "zookeeper://127.0.0.1:" + closedPort() + "/x";
        // -vv shows ZooKeeper's client trying to connect, so the signal comes while coordctl connects
        Run run = coordctl("-vv", "--uri", closed, "--connect-timeout", "10m", "lock", "l", "--", "true");
        await().atMost(WAIT).until(() -> run.err().toString().contains("Opening socket connection"));
        int code = interrupt(run.process());
        // well within the 10 minutes it would wait for a session otherwise
        exits(run, code);
    }

    @Test
    void interruptWhileTheBackendIsDownExitsAtOnceAndEndsTheCommand() throws Exception {
        EmbeddedZooKeeper own = new EmbeddedZooKeeper().start();
        try {
            String uri = own.uri("proc-down");
            // a 10 minute operation timeout: releasing the lock on a dead server would otherwise wait that long
            Run lock = coordctl("--uri", uri, "--op-timeout", "10m", "--ttl", "30s", "lock", "jobs/l", "--", "sh",
                    "-c", "sleep 300");
            await().atMost(WAIT).until(() -> lock.err().toString().contains("fencing token"));
            await().atMost(WAIT).until(() -> lock.process().descendants().findAny().isPresent());
            List<ProcessHandle> command = lock.process().descendants().toList();
            Run leader = coordctl("--uri", uri, "--op-timeout", "10m", "--ttl", "30s", "leader", "e", "--id", "c1");
            await().atMost(WAIT).until(() -> leader.out().toString().contains("elected c1"));

            own.close();
            await().atMost(WAIT).until(() -> lock.err().toString().contains("session SUSPENDED"));
            await().atMost(WAIT).until(() -> leader.err().toString().contains("session SUSPENDED"));
            int lockCode = interrupt(lock.process());
            int leaderCode = interrupt(leader.process());
            String err = exits(lock, lockCode);
            assertThat(err).contains("lock 'jobs/l' (token", "is left to the engine").doesNotContain("Exception");
            for (ProcessHandle h : command) {
                assertThat(h.onExit()).as("the command's process " + h.pid()).succeedsWithin(WAIT);
            }
            assertThat(exits(leader, leaderCode)).contains("the candidacy of c1 in e is left to the engine")
                    .doesNotContain("Exception", "retry");
        } finally {
            own.close();
        }
    }

    private static int closedPort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
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
