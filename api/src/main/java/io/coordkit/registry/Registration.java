package io.coordkit.registry;

/** A registered service instance. Closing it deregisters the instance; closing twice is a no-op. */
public interface Registration extends AutoCloseable {

    /** @return the service name */
    String service();

    /** @return the registered instance */
    ServiceInstance instance();

    /**
     * @return true while the instance is registered in the current session; false while the coordinator is
     *         registering it again after a lost session, and after close
     */
    boolean isRegistered();

    /**
     * Deregisters. Idempotent; never throws; a deregistration that fails is retried in the background like a
     * lease's release ({@link io.coordkit.lock.LockLease#close()}).
     */
    @Override
    void close();
}
