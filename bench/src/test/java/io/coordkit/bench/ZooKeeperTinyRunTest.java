package io.coordkit.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny run of the ZooKeeper rows against a real server: every row is produced, with every side it names, and
 * the report is written. No timing is asserted (that is the bench's job, not a test's).
 */
class ZooKeeperTinyRunTest {

    @Test
    void everyRowIsMeasuredOnEverySide(@TempDir Path out) throws Exception {
        List<String> progress = new ArrayList<>();
        List<Row> rows = Bench.run(Settings.tiny(), List.of(new ZooKeeperBench()), out, progress::add);

        assertThat(rows).extracting(Row::operation).containsExactly(
                "lock acquire+release, uncontended",
                "lock tryAcquire+release, uncontended",
                "config get",
                "config put",
                "register+deregister",
                "put -> 1 watcher notified",
                "put -> 3 watchers notified",
                "registration -> visible to a watcher",
                "leader takeover, the leader's process killed",
                "lock, 1 contender (cycles/s)",
                "lock, 4 contenders (cycles/s)",
                "config get, 3-node ensemble, via a follower");
        for (Row r : rows) {
            assertThat(r.sides()).as(r.operation()).containsKeys(Role.COORDKIT, Role.NATIVE);
            for (Stats s : r.sides().values()) {
                assertThat(s.count()).as(r.operation() + " " + s.role()).isPositive();
                assertThat(s.perSecond()).as(r.operation() + " " + s.role()).isPositive();
                assertThat(s.p50Micros()).as(r.operation() + " " + s.role()).isPositive();
            }
        }
        assertThat(rows.get(0).sides()).containsKey(Role.FLOOR);
        assertThat(rows.get(11).sides()).containsKey(Role.FLOOR);
        // contended rows count the server's watch notifications per cycle
        assertThat(rows.get(10).sides().get(Role.COORDKIT).notifications()).isGreaterThanOrEqualTo(0);
        // a takeover waits for the killed leader's session to expire: its timeout from the last heartbeat, which
        // came at most a third of it before the kill (a takeover much sooner would mean the kill ended the session)
        assertThat(rows.get(8).sides().values()).allSatisfy(st -> assertThat(st.p50Micros())
                .isGreaterThanOrEqualTo(Takeover.TTL.toNanos() / 1000.0 / 2));
        assertThat(progress).hasSize(rows.size() + 1);
        assertThat(Files.readString(out.resolve("bench-tiny.md"))).contains("| zookeeper | config get |");
        assertThat(Files.readString(out.resolve("bench-tiny.json"))).contains("\"operation\": \"config get\"");
    }
}
