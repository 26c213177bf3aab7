package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.cli.demo.Demo;
import io.coordkit.spi.CoordinationProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Locale;
import java.util.ServiceLoader;

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
                "Without a URI (--uri or $COORDKIT_URI) an embedded ZooKeeper is started for the demo. The "
                        + "session TTL defaults to 2s (--session-ttl). Exit code 0 if every scenario passed, 1 if "
                        + "one failed. Needs a POSIX system (kill).",
                "Examples: coordctl demo; coordctl demo --uri zookeeper://127.0.0.1:2181/demo"})
final class DemoCommand extends Subcommand {

    @Override
    public Integer call() throws InterruptedException {
        String uri = root.uriOrNull();
        if (uri != null) {
            requireReachableFromOtherProcesses(uri);
            try (Coordinator probe = connect()) {
                // reachable within the command line's time limits (an unreachable backend exits with 3 here)
                probe.sessionState();
            }
        }
        Demo demo = new Demo(uri, root.sessionTtlOrNull(), out());
        return demo.run() ? ExitCode.OK : ExitCode.NOT_MET;
    }

    /** The demo's actors run in other JVMs: an in-process engine (such as {@code embedded:}) is out of reach. */
    private void requireReachableFromOtherProcesses(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            return; // the core reports the malformed URI
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        for (CoordinationProvider p : ServiceLoader.load(CoordinationProvider.class)) {
            if (p.schemes().contains(scheme) && !p.requiresEndpoints(scheme)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "the demo runs its actors in other "
                        + "processes, which cannot reach the in-process engine of '" + scheme + ":'; leave out "
                        + "--uri to run the demo on an embedded ZooKeeper that it serves to them");
            }
        }
    }
}
