package io.coordkit.etcd;

import io.coordkit.spi.BackendLease;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A held lock, read, write or semaphore lease: its own key, on the session lease. The fencing token is the key's
 * create revision. While held it watches its key and calls {@code onLost} if the key goes while not released (removed
 * by hand, or the etcd lease expired); a watch that ends is opened again after checking the key still exists.
 *
 * <p>The watch is opened {@link #WATCH_AFTER_MS} after the grant, not at once: most leases are released sooner, and
 * then cost no watch created and cancelled on the session's watch stream. Nothing is missed meanwhile: the watch
 * starts at the revision after the key's creation, so etcd replays a delete made in between (a compacted revision
 * ends the watch, and the key is then checked by a read). A deletion by hand is so reported at most a second late.
 */
final class EtcdLease implements BackendLease {

    private final EtcdSession session;
    private final EtcdLocks owner;
    private final MemberKeys.Slot slot;
    private final ByteSequence key;
    private final String name;
    private final long createRevision;
    private final Runnable onLost;
    private final AtomicBoolean lostTold = new AtomicBoolean();
    private volatile boolean released;
    /** How long after the grant the lease starts watching its key. */
    static final long WATCH_AFTER_MS = 1000;

    private volatile Watch.Watcher watcher;
    /** The scheduled start of the watch, cancelled when the lease ends. */
    private volatile ScheduledFuture<?> watchStart;
    private final java.util.concurrent.atomic.AtomicInteger generation = new java.util.concurrent.atomic.AtomicInteger();

    EtcdLease(EtcdSession session, EtcdLocks owner, MemberKeys.Slot slot, String name, long createRevision,
              Runnable onLost) {
        this.session = session;
        this.owner = owner;
        this.slot = slot;
        this.key = slot.key();
        this.name = name;
        this.createRevision = createRevision;
        this.onLost = onLost;
    }

    @Override
    public long fencingToken() {
        return createRevision;
    }

    @Override
    public CompletableFuture<Void> release() {
        released = true;
        stopWatching();
        owner.released(this);
        return deleteIfCreated(session, key, createRevision, "release", name).whenComplete((deleted, t) ->
                slot.settle(t == null && deleted)).thenApply(deleted -> null);
    }

    /**
     * Deletes a member key only if it is still the one made (same create revision); a key already gone counts as
     * deleted.
     */
    static CompletableFuture<Void> deleteIfOurs(EtcdSession session, ByteSequence key, long createRevision,
                                                String operation, String name) {
        return deleteIfCreated(session, key, createRevision, operation, name).thenApply(deleted -> null);
    }

    /**
     * Deletes a member key only if it is still the one made (same create revision).
     *
     * @return whether this call deleted it (false: it was gone already, or is another key of that name)
     */
    static CompletableFuture<Boolean> deleteIfCreated(EtcdSession session, ByteSequence key, long createRevision,
                                                      String operation, String name) {
        return session.call(operation, name, () -> session.client().getKVClient().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
                .Then(Op.delete(key, DeleteOption.DEFAULT)).commit()).thenApply(r -> r.isSucceeded());
    }

    void watch() {
        owner.held(this);
        watchStart = session.schedule(() -> watchFrom(createRevision + 1), WATCH_AFTER_MS);
    }

    private void watchFrom(long revision) {
        if (released || session.isClosed()) {
            return;
        }
        int g = generation.incrementAndGet();
        try {
            watcher = session.client().getWatchClient().watch(key, WatchOption.builder().withRevision(revision)
                    .withNoPut(true).withRequireLeader(true).build(), new Watch.Listener() {
                        @Override
                        public void onNext(WatchResponse response) {
                            if (g != generation.get()) {
                                return;
                            }
                            for (WatchEvent e : response.getEvents()) {
                                if (e.getEventType() == WatchEvent.EventType.DELETE) {
                                    lost();
                                }
                            }
                        }

                        @Override
                        public void onError(Throwable throwable) {
                            if (generation.compareAndSet(g, g + 1)) {
                                recheckLater();
                            }
                        }

                        @Override
                        public void onCompleted() {
                            if (generation.compareAndSet(g, g + 1)) {
                                recheckLater();
                            }
                        }
                    });
        } catch (RuntimeException e) {
            generation.incrementAndGet();
            recheckLater();
        }
    }

    /** Called once per ended watch (its generation already advanced). */
    private void recheckLater() {
        Watch.Watcher w = watcher;
        watcher = null;
        if (w != null) {
            w.close();
        }
        if (released || session.isClosed() || lostTold.get()) {
            return;
        }
        session.schedule(() -> session.call("check", name, () -> session.client().getKVClient().get(key))
                .whenComplete((r, t) -> {
                    if (released || lostTold.get()) {
                        return;
                    }
                    if (t != null) {
                        recheckLater();
                    } else if (r.getKvs().isEmpty() || r.getKvs().get(0).getCreateRevision() != createRevision) {
                        lost();
                    } else {
                        watchFrom(r.getHeader().getRevision() + 1);
                    }
                }), 500);
    }

    private void lost() {
        if (!released && lostTold.compareAndSet(false, true)) {
            slot.retire(); // gone, or replaced by hand: not reused on this lease
            stopWatching();
            owner.released(this);
            onLost.run();
        }
    }

    void stopWatching() {
        ScheduledFuture<?> start = watchStart;
        if (start != null) {
            start.cancel(false);
        }
        generation.incrementAndGet();
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
