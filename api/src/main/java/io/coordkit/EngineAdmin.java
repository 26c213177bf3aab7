package io.coordkit;

import java.util.SortedSet;

/**
 * What is on the engine, for tools (coordctl's {@code services}, {@code locks}, {@code elections} and
 * {@code namespaces}, the TCK runner's clean-up): the names in use in this coordinator's namespace, the namespaces
 * on the engine, and removing a namespace. Obtained from {@link Coordinator#admin()}.
 *
 * <p>Backends that declare {@link Capability#ENGINE_ADMIN} answer these (ZooKeeper, etcd and Redis do; SPEC.md,
 * ADM-1 to ADM-4); elsewhere every method throws {@link UnsupportedOperationException}. Reads are retried and bounded by the operation timeout like other reads;
 * they are snapshots that may be stale as soon as they are returned.
 */
public interface EngineAdmin {

    /**
     * @return the services of this namespace that have at least one live instance, sorted
     * @throws CoordinationException         if the engine cannot answer in time
     * @throws UnsupportedOperationException if the backend cannot list them
     */
    SortedSet<String> services();

    /**
     * @return the locks, read-write locks and semaphores of this namespace that are held or waited for, sorted
     * @throws CoordinationException         if the engine cannot answer in time
     * @throws UnsupportedOperationException if the backend cannot list them
     */
    SortedSet<String> locks();

    /**
     * @return the elections of this namespace that have at least one candidate, sorted
     * @throws CoordinationException         if the engine cannot answer in time
     * @throws UnsupportedOperationException if the backend cannot list them
     */
    SortedSet<String> elections();

    /**
     * Lists every namespace on the engine that holds something (config keys, deleted ones included, or session
     * state), this one and the ones nested in others included. It crosses namespaces (it shows names only, never
     * what they hold), and shows what these credentials may read.
     *
     * @return the namespaces, sorted
     * @throws CoordinationException         if the engine cannot answer in time
     * @throws UnsupportedOperationException if the backend cannot list them
     */
    SortedSet<String> namespaces();

    /**
     * Removes everything of this namespace and of every namespace nested in it (config keys with their version
     * history, and the locks, registrations and candidacies of every session, which their holders then lose).
     * A namespace of the same name made later starts afresh: its versions and fencing tokens may be lower than
     * before. Meant for tools that clean up after themselves (the TCK runner); use it when nothing uses the
     * namespace. Tried once, like every write.
     *
     * @throws CoordinationException         if the engine fails or does not answer in time (part may be removed)
     * @throws UnsupportedOperationException if the backend cannot remove namespaces
     */
    void deleteNamespace();
}
