package io.coordkit.etcd;

import io.coordkit.CoordinationException;
import io.coordkit.spi.Futures;
import io.coordkit.SessionLostException;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendLease;
import io.coordkit.spi.LockKind;
import io.coordkit.spi.LockRequest;
import io.coordkit.spi.SerialExecutor;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One acquisition of a lock, a read or write lease, or a semaphore permit.
 *
 * <ol>
 *   <li>One transaction puts the waiter's key (under the lock's directory, on the session lease; the same key from
 *   one acquisition to the next, see {@link MemberKeys}) and reads the directory sorted by create revision: the queue
 *   as of the waiter's own write.</li>
 *   <li>Exclusive lock and write side: held if no key is earlier; read side: held if no earlier key is a writer;
 *   semaphore of n: held if fewer than n keys are earlier (and their permits agree).</li>
 *   <li>Otherwise the waiter watches, from the current revision, only what can unblock it: the immediate
 *   predecessor (exclusive, write), the nearest earlier writer (read), or the deletes of earlier keys
 *   (semaphore). When one goes it reads the queue again; a read every TTL is a safety net against a silent watch.</li>
 *   <li>Each read must still show the waiter's own key with its create revision: a key gone means the session lease
 *   expired while waiting (the check etcd's own lock once skipped, etcd #10811), and the attempt fails with
 *   {@link SessionLostException}.</li>
 * </ol>
 *
 * The fencing token is the key's create revision: etcd's global revision, strictly increasing, kept across leader
 * failover; waiters are served in create revision order (fair). A try that finds the lock taken, a timed-out wait,
 * a cancelled future and a failure delete the waiter's key (LCK-7, SPI-8), also when the put is still in flight
 * (deleted when it lands); a lease granted after the future was cancelled is released at once.
 */
final class LockAttempt {

    private static final Logger LOG = LoggerFactory.getLogger(LockAttempt.class);

    private final EtcdSession session;
    private final LockRequest request;
    private final Runnable onLost;
    private final EtcdLocks owner;
    private final CompletableFuture<Optional<BackendLease>> result = new CompletableFuture<>();
    private final SerialExecutor serial;
    private final String directory;
    private final SessionStates.Listener sessionListener = this::sessionChanged;

    // serial executor only
    /** The waiter's key, taken when the attempt begins; settled when its key is known gone (or never will be). */
    private MemberKeys.Slot slot;
    private ByteSequence key;
    private boolean done;
    private boolean putSent;
    private long createRevision;
    private long leaseId;
    private Watch.Watcher watcher;
    private int generation;
    private ScheduledFuture<?> timeout;
    private ScheduledFuture<?> poll;

    LockAttempt(EtcdSession session, LockRequest request, Runnable onLost, EtcdLocks owner) {
        this.session = session;
        this.request = request;
        this.onLost = onLost;
        this.owner = owner;
        this.serial = new SerialExecutor(session.executor(), "lock " + request.name());
        this.directory = session.keys().directory(area(request.kind()), request.name());
    }

    private static String kindPrefix(LockKind kind) {
        return switch (kind) {
            case READ -> "r-";
            case WRITE -> "w-";
            default -> "";
        };
    }

    private static String area(LockKind kind) {
        return switch (kind) {
            case EXCLUSIVE -> "locks";
            case READ, WRITE -> "rwlocks";
            case SEMAPHORE -> "semaphores";
        };
    }

    CompletableFuture<Optional<BackendLease>> start() {
        result.whenComplete((r, t) -> {
            if (result.isCancelled()) {
                serial.execute(this::abandon0);
            }
        });
        serial.execute(this::begin);
        return result;
    }

    private void begin() {
        if (done) {
            return;
        }
        try {
            leaseId = session.lease();
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        slot = owner.keys().take(directory, kindPrefix(request.kind()), leaseId);
        key = slot.key();
        session.states().addListener(sessionListener);
        if (!request.maxWait().isZero()) {
            timeout = session.schedule(() -> serial.execute(this::timedOut), request.maxWait().toMillis());
        }
        ByteSequence value = Keys.bytes(request.kind() == LockKind.SEMAPHORE ? Integer.toString(request.permits())
                : request.kind().name());
        putSent = true;
        session.call("acquire", request.name(), () -> session.client().getKVClient().txn()
                        .Then(Op.put(key, value, PutOption.builder().withLeaseId(leaseId).build()),
                                Op.get(Keys.bytes(directory), queueOption()))
                        .commit())
                .whenComplete((r, t) -> serial.execute(() -> {
                    if (t != null) {
                        slot.retire(); // the put may still land
                        fail(t);
                        return;
                    }
                    createRevision = r.getHeader().getRevision();
                    if (done) {
                        cleanup();
                        return;
                    }
                    evaluate(r.getGetResponses().get(0).getKvs(), r.getHeader().getRevision());
                }));
    }

    private GetOption queueOption() {
        return GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build();
    }

    private void evaluate(List<KeyValue> queue, long revision) {
        if (done) {
            return;
        }
        int me = -1;
        for (int i = 0; i < queue.size(); i++) {
            KeyValue kv = queue.get(i);
            if (kv.getKey().equals(key) && kv.getCreateRevision() == createRevision) {
                me = i;
                break;
            }
        }
        if (me < 0) {
            fail(new SessionLostException("lock " + request.name() + ": the waiter's key is gone (the session's "
                    + "etcd lease expired while waiting)"));
            return;
        }
        if (request.kind() == LockKind.SEMAPHORE) {
            String first = queue.get(0).getValue().toString(StandardCharsets.UTF_8);
            if (!first.equals(Integer.toString(request.permits()))) {
                fail(new CoordinationException("semaphore " + request.name() + " has " + first + " permits, "
                        + "asked with " + request.permits()));
                return;
            }
        }
        KeyValue blocker = null;
        Map<ByteSequence, Long> earlier = null;
        switch (request.kind()) {
            case EXCLUSIVE, WRITE -> blocker = me == 0 ? null : queue.get(me - 1);
            case READ -> {
                for (int i = me - 1; i >= 0; i--) {
                    if (Keys.memberName(queue.get(i).getKey(), directory).startsWith("w-")) {
                        blocker = queue.get(i);
                        break;
                    }
                }
            }
            case SEMAPHORE -> {
                if (me >= request.permits()) {
                    earlier = new HashMap<>();
                    for (int i = 0; i < me; i++) {
                        earlier.put(queue.get(i).getKey(), queue.get(i).getCreateRevision());
                    }
                }
            }
        }
        if (blocker == null && earlier == null) {
            grant();
            return;
        }
        if (request.maxWait().isZero()) {
            finishEmpty();
            return;
        }
        watch(blocker, earlier);
    }

    /**
     * Waits for the deletes that can unblock the attempt. The watch starts at the store's current revision (no
     * start revision), and once etcd confirms it (the created notification) the queue is read once more: a delete
     * after the watch started is delivered by the watch, one before it shows in that read. A watch asked to start
     * at an older revision (the read's, when other writes came since) would be an "unsynced" watcher, which etcd
     * catches up only every 100 ms: that made every hand-off under contention take ~100 ms (docs/benchmarks.md).
     * Keys are reused ({@link MemberKeys}), so what blocks is a key with its create revision: the same key made
     * again (behind this waiter) is not the blocker.
     */
    private void watch(KeyValue blocker, Map<ByteSequence, Long> earlier) {
        closeWatcher();
        int gen = ++generation;
        WatchOption.Builder option = WatchOption.builder().withNoPut(true).withCreateNotify(true)
                .withRequireLeader(true);
        ByteSequence watched = blocker == null ? null : blocker.getKey();
        if (blocker == null) {
            option = option.isPrefix(true);
            watched = Keys.bytes(directory);
        }
        try {
            watcher = session.client().getWatchClient().watch(watched, option.build(), new Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                    if (response.isCreatedNotify()) {
                        serial.execute(() -> confirm(gen, blocker, earlier));
                        return;
                    }
                    for (WatchEvent e : response.getEvents()) {
                        if (e.getEventType() == WatchEvent.EventType.DELETE
                                && (earlier == null || earlier.containsKey(e.getKeyValue().getKey()))) {
                            serial.execute(() -> recheck(gen));
                            return;
                        }
                    }
                }

                @Override
                public void onError(Throwable throwable) {
                    serial.execute(() -> recheck(gen));
                }

                @Override
                public void onCompleted() {
                    serial.execute(() -> recheck(gen));
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("watch failed", e);
            schedulePoll(gen, 200);
            return;
        }
        schedulePoll(gen, Math.max(1000, session.spec().sessionTtl().toMillis()));
    }

    /**
     * The watch is live: reads the queue once more and rechecks if what blocked the attempt went before the watch
     * started (or the own key went); otherwise the watch will tell.
     */
    private void confirm(int gen, KeyValue blocker, Map<ByteSequence, Long> earlier) {
        if (done || gen != generation) {
            return;
        }
        session.call("acquire", request.name(), () -> session.client().getKVClient()
                        .get(Keys.bytes(directory), queueOption()))
                .whenComplete((GetResponse r, Throwable t) -> serial.execute(() -> {
                    if (done || gen != generation) {
                        return;
                    }
                    if (t != null) {
                        recheck(gen);
                        return;
                    }
                    boolean own = false;
                    boolean blockerThere = false;
                    int earlierThere = 0;
                    for (KeyValue kv : r.getKvs()) {
                        ByteSequence k = kv.getKey();
                        long created = kv.getCreateRevision();
                        own |= k.equals(key) && created == createRevision;
                        blockerThere |= blocker != null && k.equals(blocker.getKey())
                                && created == blocker.getCreateRevision();
                        if (earlier != null && Long.valueOf(created).equals(earlier.get(k))) {
                            earlierThere++;
                        }
                    }
                    boolean unchanged = blocker != null ? blockerThere
                            : earlier != null && earlierThere == earlier.size();
                    if (!own || !unchanged) {
                        recheck(gen);
                    }
                }));
    }

    private void schedulePoll(int gen, long delay) {
        if (poll != null) {
            poll.cancel(false);
        }
        poll = session.schedule(() -> serial.execute(() -> recheck(gen)), delay);
    }

    private void recheck(int gen) {
        if (done || gen != generation) {
            return;
        }
        generation++;
        closeWatcher();
        int next = generation;
        session.call("acquire", request.name(), () -> session.client().getKVClient()
                        .get(Keys.bytes(directory), queueOption()))
                .whenComplete((GetResponse r, Throwable t) -> serial.execute(() -> {
                    if (done || next != generation) {
                        return;
                    }
                    if (t != null) {
                        LOG.debug("{}: reading the queue of {} failed, again shortly: {}", session.spec().uri(),
                                request.name(), t.toString());
                        schedulePoll(next, 300);
                        return;
                    }
                    evaluate(r.getKvs(), r.getHeader().getRevision());
                }));
    }

    private void grant() {
        done = true;
        stop();
        EtcdLease lease = new EtcdLease(session, owner, slot, request.name(), createRevision, onLost);
        if (result.complete(Optional.of(lease))) {
            lease.watch();
        } else {
            // the caller gave up meanwhile (SPI-8)
            lease.release();
        }
    }

    private void finishEmpty() {
        done = true;
        stop();
        EtcdLease.deleteIfCreated(session, key, createRevision, "acquire", request.name())
                .whenComplete((deleted, t) -> {
                    slot.settle(t == null && deleted);
                    result.complete(Optional.empty());
                });
    }

    private void timedOut() {
        if (done) {
            return;
        }
        done = true;
        stop();
        cleanupThen(() -> result.complete(Optional.empty()));
    }

    private void fail(Throwable t) {
        done = true;
        stop();
        Throwable e = Futures.unwrap(t) instanceof CoordinationException ce ? ce
                : session.map(t, "acquire", request.name());
        cleanupThen(() -> result.completeExceptionally(e));
    }

    private void sessionChanged(SessionState state) {
        if (state == SessionState.LOST) {
            serial.execute(() -> {
                if (!done) {
                    fail(new SessionLostException("lock " + request.name() + ": the session was lost while "
                            + "waiting"));
                }
            });
        }
    }

    /** Gives up from outside (cancelled future, coordinator closing). */
    void abandon() {
        serial.execute(this::abandon0);
    }

    private void abandon0() {
        if (done) {
            return;
        }
        done = true;
        stop();
        cleanup();
        result.cancel(false);
    }

    private void stop() {
        generation++;
        closeWatcher();
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (poll != null) {
            poll.cancel(false);
        }
        session.states().removeListener(sessionListener);
        owner.ended(this);
    }

    private void cleanup() {
        cleanupThen(() -> {
        });
    }

    /**
     * Deletes the waiter's key if it may exist (a put in flight is handled when it lands), then runs next. The
     * key's slot is settled by whichever step learns the key's fate: here after a compare-and-delete, in the put's
     * completion otherwise.
     */
    private void cleanupThen(Runnable next) {
        if (!putSent || createRevision == 0) {
            // never sent, or in flight: the put's completion sees done and cleans up
            if (putSent && createRevision == 0) {
                // the put failed or is still in flight: delete by key (harmless when absent). The slot is not
                // settled here: only the put's completion knows whether the key can still appear.
                session.call("acquire", request.name(), () -> session.client().getKVClient().delete(key))
                        .whenComplete((r, t) -> next.run());
                return;
            }
            if (slot != null) {
                slot.free();
            }
            next.run();
            return;
        }
        EtcdLease.deleteIfCreated(session, key, createRevision, "acquire", request.name())
                .whenComplete((deleted, t) -> {
                    slot.settle(t == null && deleted);
                    next.run();
                });
    }

    private void closeWatcher() {
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
    }
}
