package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.election.Candidate;
import io.coordkit.election.Election;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.Arguments;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code leader name}: campaigns in a leader election, or observes it. */
@Command(name = "leader",
        header = "Campaign in a leader election, or --observe who leads.",
        sortOptions = false,
        description = {"Join the leader election NAME as a candidate and report, until interrupted or --timeout, "
                + "or with --observe only watch who leads. One event per line:",
                "  joined NAME as ID          the candidacy is recorded",
                "  elected ID term T          this candidate leads, in term T (T only grows: a fencing token)",
                "  revoked ID REASON          this candidate no longer leads (RESIGNED, SESSION_SUSPENDED,",
                "                             SESSION_LOST, CLOSED, REMOVED)",
                "  leader ID term T [K=V...]  who leads now, as any observer sees it",
                "  leader none                nobody leads now",
                "Campaign: exit code 0 if this candidate leads when --timeout runs out, 1 if not, 5 if the "
                        + "candidacy was lost with the session. Observe: exit code 1 if --count reports were not "
                        + "seen before --timeout.",
                "Examples: coordctl leader jobs/scheduler --id node-a --meta addr=10.0.0.7:8080",
                "          coordctl leader jobs/scheduler --observe --count 1"})
final class LeaderCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "NAME", 
            converter = NameArgs.Name.class, description = "The election's name")
    String name;

    @Option(names = "--id", paramLabel = "ID",
            description = "Candidate id, one name segment (default: coordctl-PID)")
    String id;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Metadata observers see of this candidate "
            + "when it leads (repeatable)")
    List<String> meta = new ArrayList<>();

    @Option(names = "--observe", description = "Only watch who leads; do not campaign")
    boolean observe;

    @Option(names = {"-n", "--count"}, paramLabel = "N",
            description = "With --observe: exit after N leader reports (the first is the current leader)")
    Integer count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Leave (or stop observing) after this long")
    Duration timeout;

    @Override
    void validate() {
        Arguments.name("name", name);
        if (id != null) {
            Arguments.segment("candidateId", id);
        }
        Arguments.metadata("metadata", Metadata.parse(meta, spec.commandLine()));
    }

    @Override
    public Integer call() throws InterruptedException {
        CommandLine cmd = spec.commandLine();
        if (observe && (id != null || !meta.isEmpty())) {
            throw new CommandLine.ParameterException(cmd, "--id and --meta are for campaigning, not --observe");
        }
        if (count != null && (!observe || count < 1)) {
            throw new CommandLine.ParameterException(cmd, "--count needs --observe and must be at least 1");
        }
        var metadata = Metadata.parse(meta, cmd);
        String candidateId = id != null ? id : "coordctl-" + ProcessHandle.current().pid();
        AtomicInteger reports = new AtomicInteger();
        AtomicBoolean lost = new AtomicBoolean();
        try (Hold hold = new Hold(err()); Coordinator c = hold.track(connect())) {
            Election election = c.elections().election(name);
            reportSessionChanges(c, observe ? "observation goes on in a new session"
                    : "the candidacy ended with it and is not renewed");
            Subscription observation = election.observe(leader -> {
                if (count != null && reports.get() >= count) {
                    return;
                }
                emit(describe(leader));
                if (count != null && reports.incrementAndGet() >= count) {
                    hold.stop();
                }
            });
            try (observation) {
                if (observe) {
                    hold.await(timeout);
                    return count != null && reports.get() < count ? ExitCode.NOT_MET : ExitCode.OK;
                }
                try (Candidate candidate = election.join(candidateId, metadata, new LeadershipListener() {
                    @Override
                    public void elected(LeaderInfo leadership) {
                        emit("elected " + leadership.candidateId() + " term " + leadership.term());
                    }

                    @Override
                    public void revoked(RevocationReason reason) {
                        emit("revoked " + candidateId + " " + reason);
                        if (reason == RevocationReason.SESSION_LOST || reason == RevocationReason.REMOVED) {
                            lost.set(true);
                            hold.stop();
                        }
                    }
                })) {
                    hold.holding("the candidacy of " + candidateId + " in " + name);
                    emit("joined " + name + " as " + candidateId);
                    boolean stopped = hold.await(timeout);
                    if (lost.get()) {
                        warn("candidacy of " + candidateId + " in " + name + " ended; not joining again");
                        return ExitCode.ERROR;
                    }
                    return stopped || candidate.isLeader() ? ExitCode.OK : ExitCode.NOT_MET;
                }
            }
        }
    }

    private static String describe(Optional<LeaderInfo> leader) {
        if (leader.isEmpty()) {
            return "leader none";
        }
        LeaderInfo l = leader.get();
        String m = Text.metadata(l.metadata());
        return "leader " + l.candidateId() + " term " + l.term() + (m.isEmpty() ? "" : " " + m);
    }
}
