package io.coordkit;

/**
 * Guarantees a backend may declare beyond the rules every backend meets. The TCK checks every declared
 * capability and reports an undeclared one as "not claimed", never as passed. See SPEC.md, section CAP.
 */
public enum Capability {
    /** CAP-1: fencing tokens keep increasing across a failover of the engine's leader or master. */
    FENCING_SURVIVES_FAILOVER,
    /** CAP-2: lock waiters are served in the order they started waiting. */
    FAIR_LOCKS,
    /** CAP-3: read-write locks are offered. */
    READ_WRITE_LOCKS,
    /** CAP-4: counting semaphores are offered. */
    SEMAPHORES,
    /** CAP-5: a config watch delivers every committed version, none coalesced, while its session lives. */
    WATCH_EVERY_VERSION,
    /** CAP-6: after a disconnect a config watch replays what it missed instead of sending a RESYNC snapshot. */
    WATCH_REPLAY,
    /** CAP-7: config operations on one key are linearizable (get, put, compare-and-set, delete). */
    LINEARIZABLE_CONFIG,
    /** CAP-8: a session (and what is bound to it) survives the loss of the engine's leader or master. */
    SESSION_SURVIVES_LEADER_FAILOVER,
    /** CAP-9: acknowledged writes survive the loss of the engine's leader or master. */
    DURABLE_ACROSS_FAILOVER,
    /** CAP-10: health reports which member is the engine's leader or master. */
    REPORTS_ENGINE_LEADER
}
