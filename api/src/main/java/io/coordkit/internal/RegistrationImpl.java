package io.coordkit.internal;

import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A registration that outlives lost sessions (REG-7): when a new session replaces a lost one, the core registers
 * the instance again, retrying until it succeeds, the registration is closed, or the session is lost again; a
 * closed registration is never registered again. Internal.
 */
final class RegistrationImpl implements Registration, SessionBound {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrationImpl.class);
    private static final long RENEW_RETRY_MS = 500;

    private final CoordinatorImpl coordinator;
    private final String service;
    private final ServiceInstance instance;
    /** Guarded by this: the backend's registration in the current session, or null while there is none. */
    private BackendRegistration current;
    private boolean closed;
    /** Guarded by this: counts sessions, so that a late renewal of an older session is recognised. */
    private long generation;
    /** Guarded by this: a renewal of the current generation is under way (one at a time). */
    private boolean renewing;

    RegistrationImpl(CoordinatorImpl coordinator, String service, ServiceInstance instance,
                     BackendRegistration registration) {
        this.coordinator = coordinator;
        this.service = service;
        this.instance = instance;
        this.current = registration;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public ServiceInstance instance() {
        return instance;
    }

    @Override
    public synchronized boolean isRegistered() {
        return !closed && current != null;
    }

    @Override
    public void sessionChanged(SessionState state) {
        long gen;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (state == SessionState.LOST) {
                current = null;
                generation++;
                renewing = false;
                return;
            }
            // A new session, or a session back after a registration that has none yet (it was registered in a
            // session lost meanwhile, and the new one was suspended when it was bound): register again.
            if (!state.isUsable() || current != null || renewing) {
                return;
            }
            renewing = true;
            gen = ++generation;
        }
        renew(gen);
    }

    private void renew(long gen) {
        synchronized (this) {
            if (closed || gen != generation || coordinator.isClosed()) {
                return;
            }
        }
        CompletableFuture<BackendRegistration> attempt;
        try {
            attempt = coordinator.calls().once("register '" + instance.id() + "' in service '" + service + "' again",
                    coordinator.calls().operationTimeout(),
                    () -> coordinator.backend().registry().register(service, instance, true),
                    late -> coordinator.releaseInBackground(describeDeregistration(), late::deregister));
        } catch (IllegalStateException closing) {
            return;
        }
        attempt.whenComplete((registration, error) -> {
                    if (error == null) {
                        boolean keep;
                        synchronized (this) {
                            keep = !closed && gen == generation;
                            if (keep) {
                                current = registration;
                                renewing = false;
                            }
                        }
                        if (!keep) {
                            coordinator.releaseInBackground(describeDeregistration(), registration::deregister);
                        } else {
                            LOG.info("registered '{}' in service '{}' again in the new session (REG-7)",
                                    instance.id(), service);
                        }
                    } else if (!coordinator.isClosed()) {
                        LOG.warn("registering '{}' in service '{}' again failed, retrying: {}", instance.id(),
                                service, error.getMessage());
                        try {
                            coordinator.scheduler().schedule(() -> renew(gen), RENEW_RETRY_MS, TimeUnit.MILLISECONDS);
                        } catch (java.util.concurrent.RejectedExecutionException closing) {
                            // the coordinator is closing: nothing to register any more
                        }
                    }
                });
    }

    @Override
    public void close() {
        BackendRegistration r = end();
        if (r != null) {
            coordinator.releaseOrDefer(describeDeregistration(), r::deregister);
        }
    }

    @Override
    public CompletableFuture<Void> closeWithCoordinator() {
        BackendRegistration r = end();
        return r == null ? CompletableFuture.completedFuture(null)
                : coordinator.releaseOnClose(describeDeregistration(), r::deregister);
    }

    /** @return the backend registration to remove, or null if there is none or the registration already ended */
    private BackendRegistration end() {
        BackendRegistration r;
        synchronized (this) {
            if (closed) {
                return null;
            }
            closed = true;
            r = current;
            current = null;
        }
        coordinator.unbind(this);
        return r;
    }

    private String describeDeregistration() {
        return "deregister '" + instance.id() + "' from service '" + service + "'";
    }

    @Override
    public String toString() {
        return "Registration[" + service + "/" + instance.id() + (isRegistered() ? "" : ", not registered") + "]";
    }
}
