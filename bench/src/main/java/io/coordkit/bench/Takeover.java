package io.coordkit.bench;

import io.coordkit.Coordinator;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeadershipListener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One leader takeover, measured: a {@link LeaderProcess} is started and elected, a standby candidate joins in this
 * JVM, the leader's process is killed (SIGKILL: no goodbye to the server, as in a crash), and the time from the kill
 * to the standby's being told it leads is recorded. The dead leader's session or lease must expire first, so the
 * figure is the TTL plus what the engine and the client add.
 */
final class Takeover implements Variant.Timed {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The leader's session timeout or lease TTL on every engine (etcd's least lease TTL here is 2 s). */
    static final Duration TTL = Duration.ofSeconds(2);

    /** What a takeover row's figures are made of. */
    static final String NOTE = "from the kill (SIGKILL) to the standby's being told it leads, one takeover at a "
            + "time; the dead leader's session must expire first: " + TTL.toSeconds() + " s after the server last "
            + "heard from it (a heartbeat comes every third of that or so), then the server's expiry check and the "
            + "standby's reaction; nothing is warmed up";

    /** The candidate that takes over, in this JVM. */
    interface Standby extends AutoCloseable {
        /** Joins the election and returns once the candidacy is on the server, behind the leader. */
        void join() throws Exception;

        /** @return completed with {@link System#nanoTime()} at the moment the standby was told it leads */
        CompletableFuture<Long> elected();

        @Override
        void close() throws Exception;
    }

    /** Makes a fresh standby per takeover. */
    interface StandbyFactory {
        Standby create() throws Exception;
    }

    private final String side;
    private final String target;
    private final String election;
    private final Duration ttl;
    private final StandbyFactory standbys;

    /**
     * @param side     {@link LeaderProcess}'s side: coordkit, curator or jetcd
     * @param target   what the leader connects to
     * @param election the election's name
     * @param ttl      the leader's session timeout or lease TTL
     * @param standbys makes the candidate that takes over
     */
    Takeover(String side, String target, String election, Duration ttl, StandbyFactory standbys) {
        this.side = side;
        this.target = target;
        this.election = election;
        this.ttl = ttl;
        this.standbys = standbys;
    }

    @Override
    public long run() throws Exception {
        Path log = Files.createTempFile("coordkit-bench-leader-", ".log");
        Process leader = start(log);
        try (Standby standby = standbys.create()) {
            awaitLeading(leader, log);
            standby.join();
            if (standby.elected().isDone()) {
                throw new IllegalStateException(side + ": the standby was elected while the leader lived");
            }
            long killed = System.nanoTime();
            leader.destroyForcibly();
            long elected;
            try {
                elected = standby.elected().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException(side + ": no takeover within " + WAIT + " of the leader's kill");
            }
            return elected - killed;
        } finally {
            leader.destroyForcibly();
            leader.waitFor(30, TimeUnit.SECONDS);
            leader.getOutputStream().close();
            Files.deleteIfExists(log);
        }
    }

    /**
     * @param c        the coordinator the standby joins with
     * @param election the election's name
     * @return a coordkit candidate as the standby
     */
    static StandbyFactory coordkit(Coordinator c, String election) {
        return () -> new Standby() {
            private final CompletableFuture<Long> elected = new CompletableFuture<>();
            private Candidate candidate;

            @Override
            public void join() {
                candidate = c.elections().election(election).join("standby", Map.of(),
                        LeadershipListener.of(l -> elected.complete(System.nanoTime()), r -> { }));
            }

            @Override
            public CompletableFuture<Long> elected() {
                return elected;
            }

            @Override
            public void close() {
                if (candidate != null) {
                    candidate.close();
                }
            }
        };
    }

    /** Polls until the condition holds (a native candidacy has no "recorded" signal of its own). */
    static void awaitTrue(String what, Check check) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(what + " not seen within " + WAIT);
            }
            Thread.sleep(5);
        }
    }

    /** A condition polled by {@link #awaitTrue}. */
    interface Check {
        boolean holds() throws Exception;
    }

    private Process start(Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), LeaderProcess.class.getName(), side, target, election,
                Long.toString(ttl.toMillis())));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.to(log.toFile()));
        // standard input stays a pipe: the leader ends when it closes (the bench ended)
        return pb.start();
    }

    private void awaitLeading(Process leader, Path log) throws Exception {
        CompletableFuture<Boolean> leading = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(leader.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals(LeaderProcess.LEADING)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        Boolean ok;
        try {
            ok = leading.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            ok = false;
        }
        if (!ok) {
            leader.destroyForcibly();
            leader.waitFor(30, TimeUnit.SECONDS);
            List<String> lines = Files.readAllLines(log);
            throw new IllegalStateException(side + ": the leader process was not elected within " + WAIT
                    + "; its last output:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30),
                    lines.size())));
        }
    }
}
