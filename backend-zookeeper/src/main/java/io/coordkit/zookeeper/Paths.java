package io.coordkit.zookeeper;

import io.coordkit.spi.LockKind;

/**
 * The data layout in ZooKeeper. Everything of a namespace lives under {@code /coordkit/<namespace>~}:
 *
 * <pre>
 * /coordkit/&lt;ns&gt;~/config/&lt;key&gt;                      persistent; 1-byte header + value (see {@link ConfigData})
 * /coordkit/&lt;ns&gt;~/locks/&lt;name&gt;/…lock~0000000007     ephemeral-sequential lease nodes (exclusive locks)
 * /coordkit/&lt;ns&gt;~/rwlocks/&lt;name&gt;/…read~… …write~…  read-write locks
 * /coordkit/&lt;ns&gt;~/semaphores/&lt;name&gt;/…permit~…      semaphores; the parent's data holds the permits
 * /coordkit/&lt;ns&gt;~/registry/&lt;service&gt;/instance~&lt;id&gt; ephemeral; address + metadata
 * /coordkit/&lt;ns&gt;~/elections/&lt;name&gt;/candidate~&lt;id&gt;  ephemeral; metadata; ordered by creation zxid
 * </pre>
 *
 * Namespaces are hierarchical too, and a namespace's base ends with {@link #MARK} ({@code ~}), which no name
 * segment may contain (SPEC.md NAM-1): otherwise namespace {@code x/config} with key {@code k} and namespace
 * {@code x} with key {@code config/k} would share a node. With the mark, {@code x/y} lives under
 * {@code /coordkit/x/y~}, disjoint from {@code /coordkit/x~} (NAM-7); {@code /coordkit/x} is only a directory.
 * The nodes between {@link #ROOT} and a base are the only nodes whose paths contain no {@code ~}
 * ({@link #isSharedDirectory(String)}).
 *
 * Names are hierarchical, so a directory may hold both members and the directories of longer names
 * ({@code locks/orders} holds the leases of lock {@code orders} and the directory of lock {@code orders/42}).
 * Member nodes always contain {@link #MARK} ({@code ~}), which no name segment may contain (SPEC.md NAM-1), so
 * the two never collide.
 */
final class Paths {

    /** The root of every coordkit namespace. */
    static final String ROOT = "/coordkit";
    /** The character that marks a member node (a lease, an instance, a candidate). */
    static final char MARK = '~';

    private final String base;

    /** @param namespace the namespace, already checked by the core */
    Paths(String namespace) {
        this.base = ROOT + "/" + namespace + MARK;
    }

    /**
     * @param path a node
     * @return true for {@link #ROOT} and the directories between it and the namespaces' bases, which all
     *         namespaces share (and so get an open ACL when credentials are used)
     */
    static boolean isSharedDirectory(String path) {
        return (path.equals(ROOT) || path.startsWith(ROOT + "/")) && path.indexOf(MARK) < 0;
    }

    /** @return the namespace's root node */
    String base() {
        return base;
    }

    /**
     * @param key a config key, or "" for the config root
     * @return its node
     */
    String config(String key) {
        return join(base + "/config", key);
    }

    /**
     * @param path a node at or below {@link #config(String) config("")}
     * @return its key, or null for the config root and nodes outside it
     */
    String configKey(String path) {
        String root = base + "/config/";
        return path.startsWith(root) && path.length() > root.length() ? path.substring(root.length()) : null;
    }

    /**
     * @param kind the lock kind
     * @param name the lock's name
     * @return the directory of its lease nodes
     */
    String lockDir(LockKind kind, String name) {
        String area = switch (kind) {
            case EXCLUSIVE -> "/locks";
            case READ, WRITE -> "/rwlocks";
            case SEMAPHORE -> "/semaphores";
        };
        return join(base + area, name);
    }

    /**
     * @param service a service name
     * @return its directory
     */
    String service(String service) {
        return join(base + "/registry", service);
    }

    /**
     * @param service    a service name
     * @param instanceId an instance id
     * @return the instance's node
     */
    String instance(String service, String instanceId) {
        return service(service) + "/" + INSTANCE + instanceId;
    }

    /**
     * @param election an election name
     * @return its directory
     */
    String election(String election) {
        return join(base + "/elections", election);
    }

    /**
     * @param election    an election name
     * @param candidateId a candidate id
     * @return the candidate's node
     */
    String candidate(String election, String candidateId) {
        return election(election) + "/" + CANDIDATE + candidateId;
    }

    /** Name prefix of instance nodes. */
    static final String INSTANCE = "instance" + MARK;
    /** Name prefix of candidate nodes. */
    static final String CANDIDATE = "candidate" + MARK;

    /**
     * @param parent a node
     * @param child  a child name
     * @return the child's path
     */
    static String child(String parent, String child) {
        return parent + "/" + child;
    }

    private static String join(String parent, String name) {
        return name.isEmpty() ? parent : parent + "/" + name;
    }
}
