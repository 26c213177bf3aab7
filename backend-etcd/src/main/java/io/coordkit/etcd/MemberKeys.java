package io.coordkit.etcd;

import io.etcd.jetcd.ByteSequence;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The keys lock attempts put into a lock's directory, reused from one acquisition to the next.
 *
 * <p>etcd keeps a deleted key in its index until the store is compacted, and a range read visits every key the
 * index holds in the range, deleted or not. A new key per acquisition (a UUID) made each queue read of a lock slower
 * by every acquisition before it: after 12000 cycles, a put of a fresh key with the directory's read and a delete
 * took 4.9 ms, against 1.0 ms with one key. So the waiter's key is
 * {@code <directory><kind prefix><session lease, hex>-<slot>}, with the lowest slot no other attempt of this session
 * holds in that directory: a session acquiring one lock over and over puts the same key each time, as etcd's own
 * lock does (its key is the lease ID), and the index keeps one key per session and concurrent attempt.
 * Each put still creates the key anew, so its create revision, the fencing token, still grows.
 *
 * <p>A slot is handed out again only once its key is known to be gone: deleted by a compare-and-delete on its create
 * revision that succeeded, or never sent. A key whose fate is unknown (a put or a delete that failed, a key found
 * gone or replaced) is {@linkplain Slot#retire() retired}: its slot is not used again on that lease, so a late put
 * or a late delete by key can never touch a later attempt's key. Keys on a lease that is no longer the session's are
 * gone with that lease; their slots are forgotten when the directory is next used with the new lease.
 */
final class MemberKeys {

    private final Map<String, InUse> byPrefix = new HashMap<>();

    /** The slots of one directory and kind on one lease. */
    private static final class InUse {
        final long leaseId;
        final BitSet slots = new BitSet();

        InUse(long leaseId) {
            this.leaseId = leaseId;
        }
    }

    /**
     * @param directory the lock's directory, ending in the separator
     * @param kind      the member prefix of the kind ({@code ""}, {@code "r-"}, {@code "w-"})
     * @param leaseId   the session lease the key will be put on
     * @return a key no other attempt of this session holds
     */
    synchronized Slot take(String directory, String kind, long leaseId) {
        String prefix = directory + kind;
        InUse in = byPrefix.get(prefix);
        if (in == null || in.leaseId != leaseId) {
            in = new InUse(leaseId);
            byPrefix.put(prefix, in);
        }
        int slot = in.slots.nextClearBit(0);
        in.slots.set(slot);
        String member = kind + Long.toHexString(leaseId) + "-" + slot;
        return new Slot(prefix, leaseId, slot, member, Keys.bytes(directory + member));
    }

    private synchronized void give(String prefix, long leaseId, int slot) {
        InUse in = byPrefix.get(prefix);
        if (in != null && in.leaseId == leaseId) {
            in.slots.clear(slot);
            if (in.slots.isEmpty()) {
                byPrefix.remove(prefix);
            }
        }
    }

    /** @return how many prefixes have slots in use or retired (for tests) */
    synchronized int prefixes() {
        return byPrefix.size();
    }

    /** One attempt's key; {@link #free()} or {@link #retire()} settles it, once. */
    final class Slot {
        private final String prefix;
        private final long leaseId;
        private final int slot;
        private final String member;
        private final ByteSequence key;
        private final AtomicBoolean settled = new AtomicBoolean();

        private Slot(String prefix, long leaseId, int slot, String member, ByteSequence key) {
            this.prefix = prefix;
            this.leaseId = leaseId;
            this.slot = slot;
            this.member = member;
            this.key = key;
        }

        /** @return the member name within the directory */
        String member() {
            return member;
        }

        /** @return the whole etcd key */
        ByteSequence key() {
            return key;
        }

        /** The key is gone and nothing of this attempt can make it again: the slot may be used again. */
        void free() {
            if (settled.compareAndSet(false, true)) {
                give(prefix, leaseId, slot);
            }
        }

        /** The key's fate is unknown: the slot is not used again on this lease. */
        void retire() {
            settled.set(true);
        }

        /** @param deleted whether a compare-and-delete of the key on its create revision succeeded */
        void settle(boolean deleted) {
            if (deleted) {
                free();
            } else {
                retire();
            }
        }
    }
}
