package io.coordkit.testing;

/** The role an engine node reports for itself, in the TCK's engine-neutral words. */
public enum NodeRole {
    /** Leads the cluster (ZooKeeper leader, etcd Raft leader, Redis master, Hazelcast CP group leader). */
    LEADER,
    /** A voting follower or a replica that serves clients. */
    FOLLOWER,
    /** The only node of a single-node setup: leader of itself. */
    STANDALONE,
    /** Running, but not serving clients now (for example without a quorum), or its answer was not understood. */
    NOT_SERVING,
    /** Frozen by the TCK (SIGSTOP): cannot answer. */
    FROZEN,
    /** Not running. */
    DOWN;

    /** @return true for {@link #LEADER} and {@link #STANDALONE} */
    public boolean leads() {
        return this == LEADER || this == STANDALONE;
    }
}
