package io.coordkit;

/**
 * Guarantees a backend may declare beyond the rules every backend meets. The TCK checks every declared
 * capability and reports an undeclared one as "not claimed", never as passed. See SPEC.md, section CAP, for the rule each one binds (named first below).
 */
public enum Capability {
    /** LCK-12: fencing tokens keep increasing across a failover of the engine's leader or master. */
    FENCING_SURVIVES_FAILOVER,
    /** LCK-9: lock waiters are served in the order they started waiting. */
    FAIR_LOCKS,
    /** LCK-10: read-write locks are offered. */
    READ_WRITE_LOCKS,
    /** LCK-11: counting semaphores are offered. */
    SEMAPHORES,
    /** CFG-11: a config watch delivers every committed version, none coalesced, while its session lives. */
    WATCH_EVERY_VERSION,
    /** CFG-8: after a disconnect a config watch replays what it missed instead of sending a RESYNC snapshot. */
    WATCH_REPLAY,
    /** CFG-10: concurrent get, put and compare-and-set on one key form a linearizable history. */
    LINEARIZABLE_CONFIG,
    /** FOV-3, FOV-4: a session (and what is bound to it) survives the loss of the engine's leader or master. */
    SESSION_SURVIVES_LEADER_FAILOVER,
    /** FOV-5: config values written before the whole cluster is stopped and started again survive. */
    DURABLE_ACROSS_FAILOVER,
    /** HLT-1: health reports which member is the engine's leader or master. */
    REPORTS_ENGINE_LEADER,
    /**
     * ADM-1 to ADM-4: {@link Coordinator#admin()} lists the names in use and the namespaces, and removes a namespace
     * (otherwise its methods throw {@code UnsupportedOperationException}).
     */
    ENGINE_ADMIN
}
