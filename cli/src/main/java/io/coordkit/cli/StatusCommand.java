package io.coordkit.cli;

import io.coordkit.Capability;
import io.coordkit.Coordinator;
import io.coordkit.DurationText;
import io.coordkit.Health;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.stream.Collectors;

/** {@code status}: the engine's health, like ZooKeeper's {@code stat} and {@code ruok}. */
@Command(name = "status",
        header = "Show the engine's health (members, roles, leader, versions, round trip).",
        sortOptions = false,
        description = {"Show the backend's health: its members with reachability, role, version and round-trip "
                + "time, the engine's leader where known, the session state and the backend's capabilities. "
                + "Exit code 0 if healthy, 1 if not, 3 if unreachable.",
                "Lines: 'FIELD VALUE', then 'member ADDRESS up|down ROLE VERSION RTT DETAIL' per member.",
                "Example: coordctl status | grep '^healthy'"})
final class StatusCommand extends Subcommand {

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            Health h = c.health();
            PrintWriter out = out();
            out.println("uri          " + Text.maskPassword(root.requireUri()));
            out.println("backend      " + h.scheme());
            out.println("namespace    " + c.namespace());
            out.println("session      " + h.sessionState());
            out.println("healthy      " + (h.isHealthy() ? "yes" : "no"));
            out.println("leader       " + h.leader().orElse("-"));
            out.println("round-trip   " + rtt(h.roundTrip()));
            out.println("capabilities " + (c.capabilities().isEmpty() ? "-" : c.capabilities().stream()
                    .map(Capability::name).sorted().collect(Collectors.joining(","))));
            for (Health.Member m : h.members()) {
                out.println("member " + m.address() + " " + (m.reachable() ? "up" : "down") + " " + m.role() + " "
                        + m.version() + " " + rtt(m.roundTrip())
                        + (m.detail().isBlank() ? "" : " " + Text.oneLine(m.detail())));
            }
            out.flush();
            return h.isHealthy() ? ExitCode.OK : ExitCode.NOT_MET;
        }
    }

    private static String rtt(Duration d) {
        if (d == null) {
            return "-";
        }
        return DurationText.format(d, ChronoUnit.MILLIS, 2);
    }
}
