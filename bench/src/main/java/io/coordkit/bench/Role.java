package io.coordkit.bench;

/** The three sides of a row. */
enum Role {
    /** coordkit through its public API */
    COORDKIT,
    /** the engine's usual client library doing the same job (Curator recipes, jetcd Lock, Redisson RLock) */
    NATIVE,
    /** the engine's plain round trip for the same kind of work, the least any client can pay */
    FLOOR
}
