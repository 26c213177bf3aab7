package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.lock.DistributedLock;
import io.coordkit.lock.LeaseState;
import io.coordkit.lock.LockLease;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Demo actor (child JVM): a worker that increments the {@link FencedCounter} under a distributed lock: acquire,
 * read, compute, write with the lease's fencing token, release.
 *
 * <p>Arguments: {@code URI SESSION_TTL_MILLIS LOCK COUNTER_PORT ID ROLE INCREMENTS HOLD_MILLIS}. After
 * connecting it reports {@code READY ID} and waits for the command {@code start}. Events: {@code ACQUIRED ID
 * TOKEN}, {@code WROTE ID VALUE TOKEN}, {@code REJECTED ID VALUE TOKEN HIGHEST}, {@code DONE ID}.
 *
 * <p>ROLE {@code worker} increments INCREMENTS times, holding the lock HOLD_MILLIS per increment. ROLE
 * {@code victim} acquires once, reads, reports {@code READ ID VALUE TOKEN} and waits for the command
 * {@code write} before it writes: the demo freezes its JVM (SIGSTOP) at that point, between its read and its
 * write, for longer than its session TTL. Once resumed, it writes as any paused process would, then reports its
 * lease's state as {@code LEASE ID STATE}.
 */
final class LockWorker {

    private static final Duration ACQUIRE_WAIT = Duration.ofSeconds(60);

    private LockWorker() {
    }

    /**
     * @param args {@code URI SESSION_TTL_MILLIS LOCK COUNTER_PORT ID ROLE INCREMENTS HOLD_MILLIS}
     */
    public static void main(String[] args) {
        ActorIo.main(args, 6, (uri, ttl, a) -> {
            String lockName = a[0];
            int port = Integer.parseInt(a[1]);
            String id = a[2];
            boolean victim = a[3].equals("victim");
            int increments = Integer.parseInt(a[4]);
            long holdMillis = Long.parseLong(a[5]);
            try (Coordinator c = ActorIo.connect(uri, ttl);
                 FencedCounter.Client counter = new FencedCounter.Client(port)) {
                DistributedLock lock = c.locks().lock(lockName);
                ActorIo.emit("READY", id);
                ActorIo.expect("start");
                if (victim) {
                    pausedWrite(lock, counter, id, ttl);
                } else {
                    for (int i = 0; i < increments; i++) {
                        increment(lock, counter, id, holdMillis);
                    }
                }
                ActorIo.emit("DONE", id);
                ActorIo.awaitEndOfInput();
            }
        });
    }

    private static void increment(DistributedLock lock, FencedCounter.Client counter, String id, long holdMillis)
            throws Exception {
        try (LockLease lease = lock.acquire(ACQUIRE_WAIT)) {
            long token = lease.fencingToken();
            ActorIo.emit("ACQUIRED", id, token);
            lease.checkValid();
            long next = counter.read() + 1;
            Thread.sleep(holdMillis); // the work done while holding the lock
            // Checking again narrows the window but cannot close it: the process may pause right after the
            // check. The fencing token is what makes the write safe.
            lease.checkValid();
            write(counter, id, next, token);
        }
    }

    private static void pausedWrite(DistributedLock lock, FencedCounter.Client counter, String id, Duration ttl)
            throws Exception {
        try (LockLease lease = lock.acquire(ACQUIRE_WAIT)) {
            long token = lease.fencingToken();
            ActorIo.emit("ACQUIRED", id, token);
            CountDownLatch lost = new CountDownLatch(1);
            lease.addListener((l, state) -> {
                if (state == LeaseState.LOST) {
                    lost.countDown();
                }
            });
            lease.checkValid();
            long next = counter.read() + 1;
            ActorIo.emit("READ", id, next - 1, token);
            ActorIo.expect("write"); // the demo freezes this JVM here
            write(counter, id, next, token);
            // What the lease says after the pause: the session expired while the process was frozen.
            lost.await(ttl.toMillis() * 3 + 5_000, TimeUnit.MILLISECONDS);
            ActorIo.emit("LEASE", id, lease.state());
        }
    }

    private static void write(FencedCounter.Client counter, String id, long value, long token) throws Exception {
        OptionalLong refusedBy = counter.write(value, token);
        if (refusedBy.isEmpty()) {
            ActorIo.emit("WROTE", id, value, token);
        } else {
            ActorIo.emit("REJECTED", id, value, token, refusedBy.getAsLong());
        }
    }
}
