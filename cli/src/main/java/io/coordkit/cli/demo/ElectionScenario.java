package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.election.LeaderInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Leader election: three candidates in their own JVMs elect a leader; the leader's JVM is killed (SIGKILL); a
 * new leader takes over with a greater term, and every observer (two in the demo's process, and each surviving
 * candidate) sees who leads (SPEC.md ELE-2, ELE-3, ELE-4, ELE-5).
 */
final class ElectionScenario implements Scenario {

    private static final int CANDIDATES = 3;
    private static final List<String> OBSERVERS = List.of("observer-1", "observer-2");

    @Override
    public String name() {
        return "election";
    }

    @Override
    public String title() {
        return "leader election: the leader dies, another takes over with a greater term, everyone sees it";
    }

    @Override
    public void play(Stage s) throws Exception {
        String election = s.name("scheduler");
        for (String o : OBSERVERS) {
            Coordinator c = s.coordinator();
            c.elections().election(election).observe(leader -> s.events().add(o, "SEES", List.of(
                    leader.map(LeaderInfo::candidateId).orElse("none"),
                    Long.toString(leader.map(LeaderInfo::term).orElse(-1L)))));
        }
        s.step("%s observe election %s, each with its own session", String.join(" and ", OBSERVERS), election);

        Map<String, DemoActor> candidates = new HashMap<>();
        for (int i = 1; i <= CANDIDATES; i++) {
            String id = "candidate-" + i;
            candidates.put(id, s.spawn(id, ElectionCandidate.class, election, id));
        }
        s.step("started candidate-1..%d, each in its own JVM with a %s session TTL", CANDIDATES,
                Stage.seconds(s.ttl()));
        for (String id : candidates.keySet().stream().sorted().toList()) {
            s.await(ev -> ev.is(id, "JOINED"), Stage.START_LIMIT, id + " joining");
        }
        EventLog.Event first = s.await(ev -> ev.type().equals("ELECTED"), Stage.PROPAGATION_LIMIT,
                "a leader being elected");
        String leader = first.actor();
        long term = first.number(1);
        s.step("%s is elected, term %d", leader, term);
        List<String> everyone = new ArrayList<>(OBSERVERS);
        everyone.addAll(candidates.keySet().stream().sorted().toList());
        awaitEveryoneSees(s, everyone, leader, term, first.nanos(), "its election");

        DemoActor dying = candidates.get(leader);
        long killed = System.nanoTime();
        dying.kill();
        s.step("kill -9 %s (pid %d), the leader", leader, dying.pid());
        EventLog.Event next = s.await(ev -> ev.type().equals("ELECTED") && ev.nanos() > killed
                && !ev.actor().equals(leader), s.expiryLimit(), "another candidate taking over");
        String newLeader = next.actor();
        long newTerm = next.number(1);
        String takeover = Stage.between(killed, next.nanos());
        s.step("%s takes over, term %d, %s after the kill (session TTL %s)", newLeader, newTerm, takeover,
                Stage.seconds(s.ttl()));
        s.check(newTerm > term, "the new term " + newTerm + " is greater than the old " + term);
        everyone.remove(leader);
        awaitEveryoneSees(s, everyone, newLeader, newTerm, killed, "the kill");
        s.check(true, "every observer sees " + newLeader + " lead in term " + newTerm);
        s.check(atMostOneLeader(s, leader, killed), "at most one live candidate led at any time");
        s.summary("takeover " + takeover + " after kill -9 of the leader (term " + term + " -> " + newTerm + ")");
    }

    private static void awaitEveryoneSees(Stage s, List<String> observers, String leader, long term, long since,
                                          String sinceWhat) throws DemoFailure, InterruptedException {
        long slowest = since;
        for (String o : observers) {
            EventLog.Event e = s.await(ev -> ev.is(o, "SEES") && ev.field(0).equals(leader)
                    && ev.number(1) == term, Stage.PROPAGATION_LIMIT, o + " seeing " + leader + " lead");
            slowest = Math.max(slowest, e.nanos());
        }
        s.step("all %d observers (%s) see %s lead in term %d, the last %s after %s", observers.size(),
                String.join(", ", observers), leader, term, Stage.between(since, slowest), sinceWhat);
    }

    /** Replays the candidates' reports: nobody may be elected while another live candidate still leads. */
    private static boolean atMostOneLeader(Stage s, String killedLeader, long killedAt) {
        Map<String, Boolean> leads = new HashMap<>();
        boolean killApplied = false;
        for (EventLog.Event e : s.events().all(ev -> ev.type().equals("ELECTED") || ev.type().equals("REVOKED"))) {
            if (!killApplied && e.nanos() > killedAt) {
                leads.remove(killedLeader);
                killApplied = true;
            }
            if (e.type().equals("REVOKED")) {
                leads.remove(e.actor());
            } else {
                boolean another = leads.keySet().stream().anyMatch(c -> !c.equals(e.actor()));
                if (another) {
                    s.step("%s was elected while %s still led", e.actor(), leads.keySet());
                    return false;
                }
                leads.put(e.actor(), true);
            }
        }
        return true;
    }
}
