package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.lock.LockLease;
import io.coordkit.zookeeper.embedded.EmbeddedZooKeeper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs every coordctl command in-process against a real embedded ZooKeeper and checks what it prints and its
 * exit code, error cases included.
 */
class CoordctlTest {

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static EmbeddedZooKeeper zk;

    /** A namespace of its own for each test. */
    private String uri;

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

    @BeforeEach
    void namespace(TestInfo test) {
        uri = zk.uri("cli-" + NAMESPACES.incrementAndGet());
    }

    private Cli.Result cli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--uri";
        all[1] = uri;
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.run(all);
    }

    private Cli.Running cliAsync(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--uri";
        all[1] = uri;
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.start(all);
    }

    private static long number(String text) {
        return Long.parseLong(text.trim());
    }

    @Test
    void setGetListAndDelete() {
        Cli.Result set = cli("set", "app/db/url", "jdbc:x://db 1");
        assertThat(set.code()).as(set.toString()).isEqualTo(ExitCode.OK);
        long version = number(set.out());

        Cli.Result get = cli("get", "app/db/url");
        assertThat(get.code()).as(get.toString()).isZero();
        assertThat(get.out()).isEqualTo("jdbc:x://db 1" + System.lineSeparator());

        Cli.Result stat = cli("get", "-s", "app/db/url");
        assertThat(stat.out()).contains("key=app/db/url", "version=" + version, "size=13");

        cli("set", "app/dbx", "two\nlines");
        cli("set", "other", "o");
        assertThat(cli("ls", "app/db").out()).isEqualTo("app/db/url" + System.lineSeparator());
        assertThat(cli("ls").out().lines()).containsExactly("app/db/url", "app/dbx", "other");
        assertThat(cli("ls", "-l", "app").out().lines())
                .containsExactly("app/db/url " + version + " jdbc:x://db 1", "app/dbx " + number(
                        cli("get", "-s", "app/dbx").out().lines().filter(l -> l.startsWith("version="))
                                .findFirst().orElseThrow().substring(8)) + " two\\nlines");

        assertThat(cli("delete", "app/db/url").code()).isEqualTo(ExitCode.OK);
        Cli.Result missing = cli("get", "app/db/url");
        assertThat(missing.code()).isEqualTo(ExitCode.NOT_MET);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err()).contains("app/db/url", "has no value");
        assertThat(cli("delete", "app/db/url").code()).isEqualTo(ExitCode.NOT_MET);
    }

    @Test
    void createWritesOnlyWhenAbsent() {
        Cli.Result first = cli("create", "app/owner", "alice");
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(number(first.out())).isNotNegative();

        Cli.Result second = cli("create", "app/owner", "bob");
        assertThat(second.code()).as(second.toString()).isEqualTo(ExitCode.CONFLICT);
        assertThat(second.err()).contains("app/owner", "already has a value");
        assertThat(cli("get", "app/owner").out().trim()).isEqualTo("alice");
    }

    @Test
    void compareAndSetRefusesAStaleVersion() {
        long v1 = number(cli("set", "app/mode", "normal").out());
        Cli.Result cas = cli("set", "--version", Long.toString(v1), "app/mode", "maintenance");
        assertThat(cas.code()).as(cas.toString()).isZero();
        long v2 = number(cas.out());
        assertThat(v2).isGreaterThan(v1);

        Cli.Result stale = cli("set", "--version", Long.toString(v1), "app/mode", "late");
        assertThat(stale.code()).as(stale.toString()).isEqualTo(ExitCode.CONFLICT);
        assertThat(stale.err()).contains("version conflict", "app/mode");
        assertThat(stale.out()).isEmpty();
        assertThat(cli("get", "app/mode").out().trim()).isEqualTo("maintenance");

        Cli.Result absent = cli("set", "--version", "-1", "app/mode", "fresh");
        assertThat(absent.code()).as(absent.toString()).isEqualTo(ExitCode.CONFLICT);

        assertThat(cli("delete", "--version", Long.toString(v1), "app/mode").code()).isEqualTo(ExitCode.CONFLICT);
        assertThat(cli("delete", "--version", Long.toString(v2), "app/mode").code()).isZero();
        assertThat(cli("get", "app/mode").code()).isEqualTo(ExitCode.NOT_MET);
    }

    @Test
    void invalidKeyIsAUsageError() {
        for (String key : new String[]{"bad key", "a//b", "//lead", "lead/", "a/../b"}) {
            Cli.Result r = cli("get", key);
            assertThat(r.code()).as(key + ": " + r).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as(key).startsWith("coordctl: ").contains("NAM-1");
        }
    }

    @Test
    void badNamesAreRefusedBeforeConnecting() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // nothing listens there: a command that connected first would end with exit 3, not 2
        String closed = "zookeeper://127.0.0.1:" + port + "/x";
        String[][] commands = {
                {"get", "bad key"}, {"set", "a//b", "v"}, {"create", "a/", "v"}, {"delete", "a/../b"},
                {"ls", "a//"}, {"watch", "a//b"}, {"lock", "bad~", "--", "true"}, {"services", "s//x"},
                {"register", "orders", "bad/id", "127.0.0.1:1"}, {"leader", "e", "--id", "bad/id"}};
        for (String[] command : commands) {
            String[] args = new String[command.length + 2];
            args[0] = "--uri";
            args[1] = closed;
            System.arraycopy(command, 0, args, 2, command.length);
            Cli.Result r = Cli.run(args);
            assertThat(r.code()).as(String.join(" ", command) + ": " + r).isEqualTo(ExitCode.USAGE);
            assertThat(r.err()).as(String.join(" ", command)).startsWith("coordctl: ").contains("NAM-1")
                    .doesNotContain("unavailable");
        }
    }

    @Test
    void missingValueIsAUsageError() {
        Cli.Result r = cli("set", "app/x");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("VALUE", "coordctl set --help");
    }

    @Test
    void missingUriIsAUsageErrorNamingTheSchemes() {
        Cli.Result r = Cli.run("--uri", "", "ls");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("no backend URI", "COORDKIT_URI", "zookeeper", "embedded");
    }

    @Test
    void unknownSchemeListsTheKnownOnes() {
        Cli.Result r = Cli.run("--uri", "nosuch://127.0.0.1:1/x", "get", "k");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("nosuch", "zookeeper", "embedded");
    }

    @Test
    void badDurationIsAUsageError() {
        Cli.Result r = cli("--op-timeout", "5 parsecs", "ls");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("5 parsecs", "500ms, 5s");
    }

    @Test
    void unreachableBackendIsReportedWithinTheOperationTimeout() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String closed = "zookeeper://127.0.0.1:" + port + "/x";
        long start = System.nanoTime();
        Cli.Result r = Cli.run("--uri", closed, "--op-timeout", "1s", "get", "k");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(r.err()).startsWith("coordctl: backend unavailable").contains("127.0.0.1:" + port);
        // bounded by the 1 s limit (plus the time to give up), not by the library's 10 s connect default
        assertThat(took).as(r.toString()).isLessThan(Duration.ofSeconds(8));

        // the same limit given in the URI bounds the connection too
        r = Cli.run("--uri", closed + "?operationTimeout=1s", "get", "k");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(r.err()).contains("could not connect to", "within the connect timeout of 1s (URI-6)");
    }

    @Test
    void watchStreamsEventsUntilCount() {
        cli("set", "app/a", "1");
        Cli.Running watch = cliAsync("watch", "app", "--count", "2", "--timeout", "30s");
        await().atMost(WAIT).until(() -> watch.out().contains("RESYNC app 1 keys"));
        long v = number(cli("set", "app/b", "x y").out());
        long d = cli("delete", "app/a").code();
        assertThat(d).isZero();
        Cli.Result r = watch.result();
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().lines()).containsExactly(
                "RESYNC app 1 keys",
                "  app/a " + r.out().lines().skip(1).findFirst().orElseThrow().split(" ")[3] + " 1",
                "PUT app/b " + v + " x y",
                r.out().lines().skip(3).findFirst().orElseThrow());
        assertThat(r.out().lines().skip(3).findFirst().orElseThrow()).startsWith("DELETE app/a ");
    }

    @Test
    void watchWithoutTheCountBeforeTheTimeoutFails() {
        Cli.Result r = cli("watch", "quiet", "--count", "1", "--timeout", "500ms");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.NOT_MET);
        assertThat(r.out()).isEqualTo("RESYNC quiet 0 keys" + System.lineSeparator());
    }

    @Test
    void lockRunsTheCommandWithTheFencingToken() {
        Cli.Result first = cli("lock", "jobs/nightly", "--", "sh", "-c",
                "echo token=$COORDKIT_FENCING_TOKEN lock=$COORDKIT_LOCK; exit 7");
        assertThat(first.code()).as(first.toString()).isEqualTo(7);
        long token = tokenIn(first.out());
        assertThat(first.err()).contains("lock 'jobs/nightly' acquired, fencing token " + token);
        assertThat(first.out()).contains("lock=jobs/nightly");

        Cli.Result second = cli("lock", "jobs/nightly", "--", "sh", "-c", "echo token=$COORDKIT_FENCING_TOKEN");
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(tokenIn(second.out())).isGreaterThan(token);
    }

    private static long tokenIn(String out) {
        Matcher m = Pattern.compile("token=(\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void lockHeldElsewhereIsNotAcquiredWithinTheWait() {
        try (Coordinator holder = Coordinators.connect(uri);
             LockLease lease = holder.locks().lock("jobs/busy").acquire(Duration.ofSeconds(5))) {
            assertThat(lease.isValid()).isTrue();
            Cli.Result r = cli("lock", "--wait", "0s", "jobs/busy", "--", "true");
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.NOT_MET);
            assertThat(r.err()).contains("jobs/busy", "not acquired");
            Cli.Result custom = cli("lock", "-w", "200ms", "-E", "75", "jobs/busy", "--", "true");
            assertThat(custom.code()).as(custom.toString()).isEqualTo(75);
        }
    }

    @Test
    void lockOfAMissingCommandExits127WithoutTakingTheLock() throws IOException {
        Cli.Result r = cli("lock", "jobs/x", "--", "/nonexistent/coordctl-test-command");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COMMAND_NOT_FOUND);
        assertThat(r.err()).contains("cannot run", "the lock was not taken").doesNotContain("acquired");

        r = cli("lock", "jobs/x", "--", "coordctl-no-such-command-in-path");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COMMAND_NOT_FOUND);
        assertThat(r.err()).contains("command not found in PATH").doesNotContain("acquired");

        Path notExecutable = Files.createTempFile("coordctl-test", ".sh");
        try {
            r = cli("lock", "jobs/x", "--", notExecutable.toString());
            assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.COMMAND_NOT_EXECUTABLE);
            assertThat(r.err()).contains("is not executable").doesNotContain("acquired");
        } finally {
            Files.delete(notExecutable);
        }
        // the lock was never asked for: nothing waits on it and it is free
        try (Coordinator c = Coordinators.connect(uri);
             LockLease lease = c.locks().lock("jobs/x").acquire(Duration.ZERO)) {
            assertThat(lease.isValid()).isTrue();
        }
    }

    @Test
    void versionBeforeTheCommandIsTheCompareAndSetVersionOfSetAndDelete() {
        assertThat(cli("set", "app/v", "a").code()).isEqualTo(ExitCode.OK);
        long v = number(cli("get", "-s", "app/v").out().lines().filter(l -> l.startsWith("version="))
                .findFirst().orElseThrow().substring("version=".length()));

        Cli.Result stale = cli("--version", Long.toString(v + 1), "set", "app/v", "b");
        assertThat(stale.code()).as(stale.toString()).isEqualTo(ExitCode.CONFLICT);
        Cli.Result cas = cli("--version", Long.toString(v), "set", "app/v", "b");
        assertThat(cas.code()).as(cas.toString()).isEqualTo(ExitCode.OK);
        assertThat(cli("get", "app/v").out()).isEqualTo("b\n");

        Cli.Result twice = cli("--version", "1", "set", "app/v", "c", "--version", "2");
        assertThat(twice.code()).as(twice.toString()).isEqualTo(ExitCode.USAGE);
        Cli.Result noNumber = cli("--version", "set", "app/v", "c");
        assertThat(noNumber.code()).as(noNumber.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(noNumber.err()).contains("coordctl -V");
        Cli.Result elsewhere = cli("--version", "3", "get", "app/v");
        assertThat(elsewhere.code()).as(elsewhere.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(elsewhere.err()).contains("option of set and delete");

        long now = number(cli("get", "-s", "app/v").out().lines().filter(l -> l.startsWith("version="))
                .findFirst().orElseThrow().substring("version=".length()));
        Cli.Result delete = cli("--version", Long.toString(now), "delete", "app/v");
        assertThat(delete.code()).as(delete.toString()).isEqualTo(ExitCode.OK);
        assertThat(cli("get", "app/v").code()).isEqualTo(ExitCode.NOT_MET);
    }

    @Test
    void valuesComeFromAFileOrStandardInputUpTo512KiB() throws IOException {
        byte[] big = new byte[512 * 1024];
        new java.util.Random(7).nextBytes(big);
        Path file = Files.createTempFile("coordctl-value", ".bin");
        try {
            Files.write(file, big);
            Cli.Result set = cli("set", "app/big", "--file", file.toString());
            assertThat(set.code()).as(set.toString()).isEqualTo(ExitCode.OK);
            try (Coordinator c = Coordinators.connect(uri)) {
                assertThat(c.config().get("app/big").orElseThrow().value()).isEqualTo(big);
            }
            Files.write(file, java.util.Arrays.copyOf(big, big.length + 1));
            Cli.Result tooBig = cli("create", "app/bigger", "-f", file.toString());
            assertThat(tooBig.code()).as(tooBig.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(tooBig.err()).contains(file.toString(), "524289", "NAM-3");
        } finally {
            Files.delete(file);
        }
        Cli.Result missing = cli("set", "app/x", "--file", "/nonexistent/coordctl-value");
        assertThat(missing.code()).as(missing.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.err()).contains("no such file");
        Cli.Result both = cli("set", "app/x", "v", "--file", "/nonexistent/coordctl-value");
        assertThat(both.code()).as(both.toString()).isEqualTo(ExitCode.USAGE);

        String[] all = {"--uri", uri, "set", "app/stdin", "-"};
        Cli.Result fromStdin = Cli.runWithInput("line 1\nline 2\n".getBytes(StandardCharsets.UTF_8), all);
        assertThat(fromStdin.code()).as(fromStdin.toString()).isEqualTo(ExitCode.OK);
        assertThat(cli("get", "app/stdin").out()).isEqualTo("line 1\nline 2\n\n");
        Cli.Result stdinTooBig = Cli.runWithInput(new byte[512 * 1024 + 1], "--uri", uri, "create", "app/s2", "-");
        assertThat(stdinTooBig.code()).as(stdinTooBig.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(stdinTooBig.err()).contains("standard input", "NAM-3");
    }

    @Test
    void aLeadingSlashIsTheNamespacesRoot() {
        assertThat(cli("set", "/app/mode", "normal").code()).isEqualTo(ExitCode.OK);
        assertThat(cli("get", "app/mode").out()).isEqualTo("normal\n");
        assertThat(cli("get", "/app/mode").out()).isEqualTo("normal\n");
        assertThat(cli("ls", "/").out()).isEqualTo("app/mode\n");
        assertThat(cli("ls", "/app/").out()).isEqualTo("app/mode\n");
        Cli.Result twice = cli("get", "//app/mode");
        assertThat(twice.code()).as(twice.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(twice.err()).contains("NAM-1");
    }

    @Test
    void discoveryListsServicesLocksElectionsAndNamespaces() throws Exception {
        assertThat(cli("services").out()).isEmpty();
        Path release = Files.createTempDirectory("coordctl-test").resolve("release");
        Cli.Running reg = cliAsync("register", "orders/eu", "n-1", "127.0.0.1:9", "--timeout", "10s");
        Cli.Running lock = cliAsync("lock", "/jobs/nightly", "--", "sh", "-c",
                "while [ ! -f '" + release + "' ]; do sleep 0.1; done");
        Cli.Running leader = cliAsync("leader", "billing", "--id", "c-1", "--timeout", "10s");
        try {
            await().atMost(WAIT).until(() -> reg.out().contains("registered"));
            await().atMost(WAIT).until(() -> lock.err().contains("fencing token"));
            await().atMost(WAIT).until(() -> leader.out().contains("elected c-1"));
            assertThat(cli("services").out()).isEqualTo("orders/eu\n");
            assertThat(cli("services", "/orders/eu").out()).isEqualTo("n-1 127.0.0.1:9\n");
            assertThat(cli("locks").out()).isEqualTo("jobs/nightly\n");
            assertThat(cli("elections").out()).isEqualTo("billing\n");
            assertThat(cli("elections", "-l").out()).matches("billing leader c-1 term \\d+\n");
            String namespace = uri.substring(uri.lastIndexOf('/') + 1);
            assertThat(cli("namespaces").out().lines()).contains(namespace);
        } finally {
            Files.createFile(release);
            for (Cli.Running r : new Cli.Running[]{reg, lock, leader}) {
                assertThat(r.result().code()).as(r.result().toString()).isEqualTo(ExitCode.OK);
            }
        }
        assertThat(cli("locks").out()).isEmpty();
    }

    @Test
    void recursiveDeleteRemovesEveryKeyUnderThePrefix() {
        for (String k : new String[]{"app/a", "app/b/c", "appx", "other"}) {
            assertThat(cli("set", k, "v").code()).isEqualTo(ExitCode.OK);
        }
        Cli.Result rm = cli("rm", "-r", "/app");
        assertThat(rm.code()).as(rm.toString()).isEqualTo(ExitCode.OK);
        assertThat(rm.out()).isEqualTo("app/a\napp/b/c\n");
        assertThat(cli("ls").out()).isEqualTo("appx\nother\n");
        Cli.Result again = cli("delete", "-r", "app");
        assertThat(again.code()).as(again.toString()).isEqualTo(ExitCode.NOT_MET);
        Cli.Result withVersion = cli("delete", "-r", "--version", "1", "app");
        assertThat(withVersion.code()).as(withVersion.toString()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void anAtSignIsTakenLiterally() throws IOException {
        // picocli would otherwise read the arguments from the file named after the @
        Path file = Files.createTempFile("coordctl-at", ".txt");
        try {
            Files.writeString(file, "from the file");
            Cli.Result set = cli("set", "app/at", "@" + file);
            assertThat(set.code()).as(set.toString()).isEqualTo(ExitCode.OK);
            assertThat(cli("get", "app/at").out()).isEqualTo("@" + file + "\n");
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void leaderCampaignsAndObserversSeeIt() {
        Cli.Running a = cliAsync("leader", "jobs/scheduler", "--id", "node-a", "--meta", "addr=10.0.0.7:8080",
                "--timeout", "4s");
        await().atMost(WAIT).until(() -> a.out().contains("elected node-a term"));
        long term = Long.parseLong(a.out().lines().filter(l -> l.startsWith("elected node-a term "))
                .findFirst().orElseThrow().substring("elected node-a term ".length()));

        Cli.Result observed = cli("leader", "jobs/scheduler", "--observe", "--count", "1", "--timeout", "10s");
        assertThat(observed.code()).as(observed.toString()).isZero();
        assertThat(observed.out()).isEqualTo("leader node-a term " + term + " addr=10.0.0.7:8080"
                + System.lineSeparator());

        Cli.Result b = cli("leader", "jobs/scheduler", "--id", "node-b", "--timeout", "500ms");
        assertThat(b.code()).as("node-b does not lead while node-a does: " + b).isEqualTo(ExitCode.NOT_MET);
        assertThat(b.out()).contains("joined jobs/scheduler as node-b", "leader node-a term " + term)
                .doesNotContain("elected node-b");

        Cli.Result ra = a.result();
        assertThat(ra.code()).as(ra.toString()).isZero();
        // the order of the observer's, the candidate's and the command's own lines is not fixed
        assertThat(ra.out().lines().toList()).contains("joined jobs/scheduler as node-a",
                "elected node-a term " + term, "leader node-a term " + term + " addr=10.0.0.7:8080");

        Cli.Result after = cli("leader", "jobs/scheduler", "--observe", "--count", "1", "--timeout", "10s");
        assertThat(after.out()).isEqualTo("leader none" + System.lineSeparator());
    }

    @Test
    void leaderOptionsAreChecked() {
        assertThat(cli("leader", "x", "--count", "1").code()).isEqualTo(ExitCode.USAGE);
        assertThat(cli("leader", "x", "--observe", "--id", "a").code()).isEqualTo(ExitCode.USAGE);
        Cli.Result badId = cli("leader", "x", "--id", "a/b", "--timeout", "1s");
        assertThat(badId.code()).as(badId.toString()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void registeredInstanceIsListedWhileRegistered() {
        Cli.Running reg = cliAsync("register", "orders", "node-1", "127.0.0.1:8080", "--meta", "zone=eu-1",
                "--meta", "weight=3", "--timeout", "5s");
        await().atMost(WAIT).until(() -> reg.out().contains("registered"));
        assertThat(reg.out()).isEqualTo("registered orders node-1 127.0.0.1:8080 weight=3 zone=eu-1"
                + System.lineSeparator());
        Cli.Result listed = cli("services", "orders");
        assertThat(listed.code()).as(listed.toString()).isZero();
        assertThat(listed.out()).isEqualTo("node-1 127.0.0.1:8080 weight=3 zone=eu-1" + System.lineSeparator());

        assertThat(reg.result().code()).isZero();
        assertThat(cli("services", "orders").out()).isEmpty();
    }

    @Test
    void badMetadataIsAUsageError() {
        Cli.Result r = cli("register", "orders", "n1", "127.0.0.1:1", "--meta", "novalue", "--timeout", "1s");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("KEY=VALUE");
    }

    @Test
    void statusReportsTheEngine() {
        Cli.Result r = cli("status");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("backend      zookeeper", "session      CONNECTED", "healthy      yes")
                .containsPattern("(?m)^member 127\\.0\\.0\\.1:" + zk.port() + " up \\S+ \\S+ \\d+\\.\\d\\dms")
                .containsPattern("(?m)^round-trip   \\d+\\.\\d\\dms$");
    }

    @Test
    void usageErrorsAndHelp() {
        Cli.Result none = Cli.run();
        assertThat(none.code()).isEqualTo(ExitCode.USAGE);
        assertThat(none.err()).contains("Usage: coordctl", "Exit codes:");

        Cli.Result help = Cli.run("get", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: coordctl get");

        Cli.Result unknown = Cli.run("frobnicate");
        assertThat(unknown.code()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err()).contains("frobnicate");

        Cli.Result version = Cli.run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).contains("coordctl", "zookeeper");
    }
}
