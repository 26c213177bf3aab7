package io.coordkit.redis;

import io.coordkit.spi.LockKind;

/**
 * Where a namespace's data lives. Everything of namespace {@code ns} is under {@code coordkit:<ns>~:}; {@code ~}
 * may not appear in a name (NAM-1), so namespace {@code a} and namespace {@code a/config} never share a key (NAM-7),
 * and {@code :}, also forbidden in names, separates a name from the suffix of each of its keys.
 */
final class Keys {

    private final String base;

    Keys(String namespace) {
        this.base = "coordkit:" + namespace + "~:";
    }

    /** @return the prefix of every key of the namespace */
    String base() {
        return base;
    }

    String session(String sid) {
        return base + "s:" + sid;
    }

    // ---- config
    String configKey(String key) {
        return base + "cfg:k:" + key;
    }

    String configIndex() {
        return base + "cfg:idx";
    }

    String configRevision() {
        return base + "cfg:rev";
    }

    String configLog() {
        return base + "cfg:log";
    }

    String configChannel() {
        return base + "cfg:c";
    }

    String operation(String opId) {
        return base + "op:" + opId;
    }

    // ---- locks
    /** @return the lock's key stem: READ and WRITE share one (one read-write lock), other kinds have their own */
    String lock(LockKind kind, String name) {
        String k;
        switch (kind) {
            case EXCLUSIVE:
                k = "x";
                break;
            case READ:
            case WRITE:
                k = "rw";
                break;
            default:
                k = "sem";
                break;
        }
        return base + "lk:" + k + ":" + name;
    }

    /** @return the hash of every lock's counters (token and arrival sequence) */
    String lockCounters() {
        return base + "lk:n";
    }

    // ---- registry
    String service(String service) {
        return base + "rg:" + service;
    }

    // ---- elections
    String election(String election) {
        return base + "el:" + election;
    }
}
