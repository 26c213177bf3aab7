package io.coordkit.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Locking: workers in their own JVMs contend for a lock to increment a counter kept by a fenced resource. One
 * holder is frozen (SIGSTOP) between its read and its write, for longer than its session TTL; another worker
 * takes the lock with a greater fencing token; the frozen holder, resumed (SIGCONT), writes late and the
 * resource refuses it by its token. The final count is exact (SPEC.md LCK-2, LCK-4, LCK-6, FOV-2).
 */
final class LockingScenario implements Scenario {

    private static final int WORKERS = 3;
    private static final int INCREMENTS = 6;
    private static final long HOLD_MILLIS = 40;
    private static final String VICTIM = "worker-" + (WORKERS + 1);

    @Override
    public String name() {
        return "locking";
    }

    @Override
    public String title() {
        return "lock with fencing tokens: a frozen holder's late write is refused, the count stays exact";
    }

    @Override
    public void play(Stage s) throws Exception {
        String lock = s.name("counter-lock");
        try (FencedCounter counter = FencedCounter.start()) {
            s.step("fenced counter at 127.0.0.1:%d refuses writes with a token below the highest it has seen",
                    counter.port());
            List<DemoActor> workers = new ArrayList<>();
            for (int i = 1; i <= WORKERS; i++) {
                workers.add(s.spawn("worker-" + i, LockWorker.class, lock, counter.port(), "worker-" + i, "worker",
                        INCREMENTS, HOLD_MILLIS));
            }
            DemoActor victim = s.spawn(VICTIM, LockWorker.class, lock, counter.port(), VICTIM, "victim", 1, 0);
            s.step("started worker-1..%d and %s (to be frozen), each in its own JVM", WORKERS, VICTIM);
            for (DemoActor p : workers) {
                s.await(ev -> ev.is(p.name(), "READY"), Stage.START_LIMIT, p.name() + " connecting");
            }
            s.await(ev -> ev.is(VICTIM, "READY"), Stage.START_LIMIT, VICTIM + " connecting");

            for (DemoActor p : workers) {
                p.send("start");
            }
            s.step("worker-1..%d contend for lock %s, %d increments each: acquire, read, +1, write with the "
                    + "token, release", WORKERS, lock, INCREMENTS);
            AtomicInteger writes = new AtomicInteger();
            s.await(ev -> ev.type().equals("WROTE") && writes.incrementAndGet() >= WORKERS, Stage.PROPAGATION_LIMIT,
                    WORKERS + " increments");

            victim.send("start");
            EventLog.Event read = s.await(ev -> ev.is(VICTIM, "READ"), s.expiryLimit(),
                    VICTIM + " acquiring the lock");
            long victimToken = read.number(2);
            long victimValue = read.number(1) + 1;
            victim.freeze();
            long frozenAt = System.nanoTime();
            s.step("%s acquired the lock (token %d), read %d, and is frozen (kill -STOP) before it writes %d",
                    VICTIM, victimToken, read.number(1), victimValue);
            victim.send("write"); // taken as soon as it runs again

            EventLog.Event takeover = s.await(ev -> ev.type().equals("ACQUIRED") && !ev.actor().equals(VICTIM)
                    && ev.nanos() > frozenAt, s.expiryLimit(), "another worker taking over the lock");
            long newToken = takeover.number(1);
            s.step("%s acquired the lock %s after the freeze, token %d: %s's session expired (TTL %s)",
                    takeover.actor(), Stage.between(frozenAt, takeover.nanos()), newToken, VICTIM,
                    Stage.seconds(s.ttl()));
            s.check(newToken > victimToken, "the new holder's token " + newToken + " is greater than the frozen "
                    + "holder's " + victimToken);
            EventLog.Event newWrite = s.await(ev -> ev.is(takeover.actor(), "WROTE") && ev.number(2) == newToken,
                    Stage.PROPAGATION_LIMIT, takeover.actor() + " writing with token " + newToken);
            s.step("%s wrote %d with token %d", takeover.actor(), newWrite.number(1), newToken);

            victim.resume();
            long resumedAt = System.nanoTime();
            s.step("%s resumed (kill -CONT) after %s frozen, and goes on with its write of %d, token %d", VICTIM,
                    Stage.between(frozenAt, resumedAt), victimValue, victimToken);
            EventLog.Event late = s.await(ev -> ev.actor().equals(VICTIM)
                            && (ev.type().equals("REJECTED") || ev.type().equals("WROTE")),
                    Stage.PROPAGATION_LIMIT, VICTIM + "'s late write");
            boolean refused = late.type().equals("REJECTED");
            if (refused) {
                s.step("the counter refused it: token %d < highest seen %d", victimToken, late.number(3));
            }
            s.check(refused, "the frozen holder's late write is rejected by its fencing token");
            EventLog.Event lease = s.await(ev -> ev.is(VICTIM, "LEASE"), s.expiryLimit(),
                    VICTIM + " reporting its lease's state");
            s.check(lease.field(1).equals("LOST"), VICTIM + "'s lease reports LOST once it runs again (it says "
                    + lease.field(1) + ")");

            for (DemoActor p : workers) {
                s.await(ev -> ev.is(p.name(), "DONE"), Stage.START_LIMIT, p.name() + " finishing");
            }
            long expected = (long) WORKERS * INCREMENTS;
            s.step("counter = %d after %d accepted and %d refused writes", counter.value(), counter.accepted(),
                    counter.rejected());
            s.check(counter.value() == expected && counter.accepted() == expected && counter.rejected() == 1,
                    "the final count is exact: " + expected + " increments, none lost, one refused");
            List<Long> tokens = s.events().all(ev -> ev.type().equals("ACQUIRED")).stream()
                    .map(ev -> ev.number(1)).toList();
            s.check(tokens.stream().distinct().count() == tokens.size(),
                    "every one of the " + tokens.size() + " acquisitions had its own fencing token");
            s.summary("takeover " + Stage.between(frozenAt, takeover.nanos()) + " after kill -STOP; late write "
                    + "(token " + victimToken + " < " + newToken + ") refused; counter " + counter.value() + " = "
                    + expected + " increments");
        }
    }
}
