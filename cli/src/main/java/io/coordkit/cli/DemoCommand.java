package io.coordkit.cli;

import io.coordkit.cli.demo.Demo;
import picocli.CommandLine.Command;

/** {@code demo}: the four scenarios, live. */
@Command(name = "demo",
        header = "Show the four coordination scenarios live, with real crashes and freezes.",
        sortOptions = false,
        description = {"Show the four coordination scenarios live, with real processes killed (kill -9) and "
                + "frozen (kill -STOP), timing every step, and check that each behaves as stated:",
                "  1 naming    three instances register from their own JVMs, a client picks them round-robin, "
                        + "one is killed and the watchers see it leave by itself",
                "  2 locking   workers increment a fenced counter under a lock; a holder frozen past its TTL "
                        + "loses the lock and its late write is refused by fencing token; the count is exact",
                "  3 config    a value changes by compare-and-set and every watcher sees the new value and "
                        + "version; a stale compare-and-set is refused",
                "  4 election  three candidates elect a leader, the leader is killed, another takes over with a "
                        + "greater term and every observer sees it",
                "Without --uri an embedded ZooKeeper is started for the demo. The session TTL defaults to 2s "
                        + "(--session-ttl). Exit code 0 if every scenario passed, 1 if one failed. Needs a POSIX "
                        + "system (kill).",
                "Examples: coordctl demo; coordctl demo --uri zookeeper://127.0.0.1:2181/demo"})
final class DemoCommand extends Subcommand {

    @Override
    public Integer call() throws InterruptedException {
        Demo demo = new Demo(root.uriOrNull(), root.sessionTtlOrNull(), out());
        return demo.run() ? ExitCode.OK : ExitCode.NOT_MET;
    }
}
