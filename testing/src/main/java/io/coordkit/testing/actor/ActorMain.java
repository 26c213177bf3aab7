package io.coordkit.testing.actor;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.election.Candidate;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A coordkit client in a child JVM that the TCK drives through a line protocol, so that it can be crashed
 * ({@code kill -9}) or frozen ({@code SIGSTOP}) while it holds a lock, leads or is registered. Started by
 * {@link Actor}; halts when its standard input closes (the parent is gone).
 *
 * <p>Commands, one per line on standard input (names and values have no spaces):
 * <pre>
 * connect URI                     open the coordinator          -> ok connect STATE
 * lock NAME TIMEOUT_MS            acquire an exclusive lock      -> ok lock NAME TOKEN
 * lease NAME                      state of the lease             -> ok lease NAME STATE TOKEN
 * write NAME PAYLOAD              a write with the lease's token,
 *                                 without checking the lease     -> ok write NAME TOKEN PAYLOAD
 * release NAME                    close the lease                -> ok release NAME
 * elect ELECTION ID               join an election               -> ok elect ELECTION ID
 * resign ELECTION / withdraw ELECTION                            -> ok resign|withdraw ELECTION
 * register SERVICE ID ADDRESS     register an instance           -> ok register SERVICE ID
 * deregister SERVICE ID                                          -> ok deregister SERVICE ID
 * put KEY VALUE                   config put                     -> ok put KEY VERSION
 * stall-check LOCK ELECTION MS    watch for this JVM being stalled
 *                                 (frozen) longer than MS; at the
 *                                 first check after such a stall
 *                                 emit what lease and candidate say -> ok stall-check LOCK ELECTION
 * ping                                                           -> ok ping STATE
 * sleep MS                        answer after MS milliseconds   -> ok sleep MS
 * close                           close the coordinator          -> ok close
 * exit                            exit the JVM
 * </pre>
 * A command may start with a sequence number ({@code 17 ping}); its answer then starts with the same number
 * ({@code 17 ok ping CONNECTED}), so that the parent can tell the late answer of a request it gave up on from the
 * answer it waits for ({@link Actor} always numbers its requests).
 * A failed command answers {@code err COMMAND ExceptionClass: message}. Events come as lines at any time:
 * {@code event session STATE}, {@code event lease NAME STATE}, {@code event elected ELECTION TERM},
 * {@code event revoked ELECTION REASON},
 * {@code event stalled GAP_MS lease LOCK VALID leader ELECTION LEADER}. The first line is {@code ready}.
 */
public final class ActorMain {

    private final ChildIo io;
    private final Map<String, LockLease> leases = new HashMap<>();
    private final Map<String, Candidate> candidacies = new HashMap<>();
    private final Map<String, Registration> registrations = new HashMap<>();
    private Coordinator coordinator;

    private ActorMain(ChildIo io) {
        this.io = io;
    }

    /**
     * Runs the command loop until {@code exit} or the end of standard input.
     *
     * @param args ignored
     * @throws IOException if standard input fails
     */
    public static void main(String[] args) throws IOException {
        ChildIo io = ChildIo.get(); // library output goes to standard error from now on
        ActorMain actor = new ActorMain(io);
        actor.emit("ready");
        String line;
        while ((line = io.nextLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            if (line.trim().equals("exit")) {
                break;
            }
            actor.handle(line.trim());
        }
        // End of input: the parent is gone or asked us to go. Halt without cleanup, like a crash.
        Runtime.getRuntime().halt(0);
    }

    private void emit(String line) {
        io.send(line);
    }

    private void handle(String line) {
        String[] words = line.split(" ");
        if (words.length > 1 && words[0].chars().allMatch(Character::isDigit)) {
            String tag = words[0] + " ";
            handle(Arrays.copyOfRange(words, 1, words.length), answer -> emit(tag + answer));
        } else {
            handle(words, this::emit);
        }
    }

    private void handle(String[] a, Consumer<String> answer) {
        String cmd = a[0];
        try {
            switch (cmd) {
                case "connect": {
                    require(a, 2);
                    coordinator = Coordinators.connect(a[1]);
                    coordinator.addSessionListener(state -> emit("event session " + state));
                    answer.accept("ok connect " + coordinator.sessionState());
                    break;
                }
                case "lock": {
                    require(a, 3);
                    LockLease lease = coordinator().locks().lock(a[1]).acquire(Duration.ofMillis(Long.parseLong(a[2])));
                    leases.put(a[1], lease);
                    lease.addListener((l, state) -> emit("event lease " + l.name() + " " + state));
                    answer.accept("ok lock " + a[1] + " " + lease.fencingToken());
                    break;
                }
                case "lease": {
                    require(a, 2);
                    LockLease lease = lease(a[1]);
                    answer.accept("ok lease " + a[1] + " " + lease.state() + " " + lease.fencingToken());
                    break;
                }
                case "write": {
                    require(a, 3);
                    LockLease lease = lease(a[1]);
                    answer.accept("ok write " + a[1] + " " + lease.fencingToken() + " " + a[2]);
                    break;
                }
                case "release": {
                    require(a, 2);
                    LockLease lease = leases.remove(a[1]);
                    if (lease != null) {
                        lease.close();
                    }
                    answer.accept("ok release " + a[1]);
                    break;
                }
                case "elect": {
                    require(a, 3);
                    String election = a[1];
                    Candidate c = coordinator().elections().election(election).join(a[2], Map.of("actor", a[2]),
                            new LeadershipListener() {
                                @Override
                                public void elected(LeaderInfo leadership) {
                                    emit("event elected " + election + " " + leadership.term());
                                }

                                @Override
                                public void revoked(RevocationReason reason) {
                                    emit("event revoked " + election + " " + reason);
                                }
                            });
                    candidacies.put(election, c);
                    answer.accept("ok elect " + election + " " + a[2]);
                    break;
                }
                case "resign": {
                    require(a, 2);
                    candidate(a[1]).resign();
                    answer.accept("ok resign " + a[1]);
                    break;
                }
                case "withdraw": {
                    require(a, 2);
                    Candidate c = candidacies.remove(a[1]);
                    if (c != null) {
                        c.close();
                    }
                    answer.accept("ok withdraw " + a[1]);
                    break;
                }
                case "register": {
                    require(a, 4);
                    Registration r = coordinator().registry().register(a[1], ServiceInstance.of(a[2], a[3]));
                    registrations.put(a[1] + "/" + a[2], r);
                    answer.accept("ok register " + a[1] + " " + a[2]);
                    break;
                }
                case "deregister": {
                    require(a, 3);
                    Registration r = registrations.remove(a[1] + "/" + a[2]);
                    if (r != null) {
                        r.close();
                    }
                    answer.accept("ok deregister " + a[1] + " " + a[2]);
                    break;
                }
                case "put": {
                    require(a, 3);
                    long version = coordinator().config().put(a[1], a[2]);
                    answer.accept("ok put " + a[1] + " " + version);
                    break;
                }
                case "stall-check": {
                    require(a, 4);
                    startStallCheck(lease(a[1]), a[1], candidate(a[2]), a[2], Long.parseLong(a[3]));
                    answer.accept("ok stall-check " + a[1] + " " + a[2]);
                    break;
                }
                case "ping":
                    answer.accept("ok ping " + (coordinator == null ? "NOT_CONNECTED" : coordinator.sessionState()));
                    break;
                case "sleep": {
                    require(a, 2);
                    try {
                        Thread.sleep(Long.parseLong(a[1]));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    answer.accept("ok sleep " + a[1]);
                    break;
                }
                case "close":
                    if (coordinator != null) {
                        coordinator.close();
                    }
                    answer.accept("ok close");
                    break;
                default:
                    answer.accept("err " + cmd + " IllegalArgumentException: unknown command");
            }
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ');
            answer.accept("err " + cmd + " " + e.getClass().getName() + ": " + message);
        }
    }

    /**
     * Starts a thread that looks at the clock every few milliseconds; the first time it finds more than
     * {@code stallMs} since its previous look (the JVM was frozen), it asks the lease and the candidate at once,
     * before anything else, and reports what they said (SES-8). Returns once the thread has taken its first look:
     * a freeze that came before it would go unseen (seen on a loaded machine: the test froze the JVM right after
     * "ok", before the new thread had run, and no stall was reported).
     */
    private void startStallCheck(LockLease lease, String lockName, Candidate candidate, String election,
                                 long stallMs) {
        java.util.concurrent.CountDownLatch looking = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            long previous = System.nanoTime();
            looking.countDown();
            while (true) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                if (now - previous > stallMs * 1_000_000L) {
                    boolean valid = lease.isValid();
                    boolean leader = candidate.isLeader();
                    emit("event stalled " + (now - previous) / 1_000_000 + " lease " + lockName + " " + valid
                            + " leader " + election + " " + leader);
                    return;
                }
                previous = now;
            }
        }, "actor-stall-check");
        t.setDaemon(true);
        t.start();
        try {
            looking.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Coordinator coordinator() {
        if (coordinator == null) {
            throw new IllegalStateException("not connected: send 'connect URI' first");
        }
        return coordinator;
    }

    private LockLease lease(String name) {
        LockLease lease = leases.get(name);
        if (lease == null) {
            throw new IllegalStateException("no lease of " + name);
        }
        return lease;
    }

    private Candidate candidate(String election) {
        Candidate c = candidacies.get(election);
        if (c == null) {
            throw new IllegalStateException("no candidacy in " + election);
        }
        return c;
    }

    private static void require(String[] a, int n) {
        if (a.length != n) {
            throw new IllegalArgumentException(a[0] + " takes " + (n - 1) + " arguments, got " + (a.length - 1));
        }
    }
}
