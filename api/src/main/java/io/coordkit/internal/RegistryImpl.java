package io.coordkit.internal;

import io.coordkit.Subscription;
import io.coordkit.registry.Registration;
import io.coordkit.registry.SelectionStrategy;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.registry.ServiceListener;
import io.coordkit.registry.ServiceRegistry;
import io.coordkit.session.SessionState;
import io.coordkit.spi.BackendRegistration;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The core's service registry (REG-*). Internal. */
final class RegistryImpl implements ServiceRegistry {
    private final CoordinatorImpl coordinator;

    RegistryImpl(CoordinatorImpl coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public Registration register(String service, ServiceInstance instance) {
        return Calls.await(registerAsync(service, instance));
    }

    @Override
    public CompletableFuture<Registration> registerAsync(String service, ServiceInstance instance) {
        Validation.name("service", service);
        Validation.notNull("instance", instance);
        Validation.segment("instance id", instance.id());
        Validation.address("instance address", instance.address());
        Validation.metadata("instance metadata", instance.metadata());
        coordinator.ensureOpen();
        long epoch = coordinator.epoch();
        CompletableFuture<BackendRegistration> attempt = coordinator.calls()
                .once("register '" + instance.id() + "' in service '" + service + "'",
                        coordinator.calls().operationTimeout(),
                        () -> coordinator.backend().registry().register(service, instance, false),
                        late -> coordinator.releaseInBackground("deregister '" + instance.id()
                                + "' from service '" + service + "', registered after the caller gave up",
                                late::deregister));
        return Calls.relay(attempt, backendRegistration -> {
            RegistrationImpl r = new RegistrationImpl(coordinator, service, instance, backendRegistration);
            // Read under the lock session changes are applied with: a CONNECTED applied after this reaches r
            // through the coordinator, one applied before is seen here; either way r renews once.
            coordinator.bind(r, (session, epochNow) -> {
                if (epochNow != epoch) {
                    // Registered in a session that was lost meanwhile: register again in the current one (REG-7).
                    r.sessionChanged(SessionState.LOST);
                    if (session.isUsable()) {
                        r.sessionChanged(SessionState.CONNECTED);
                    }
                }
            });
            return (Registration) r;
        }, Registration::close);
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        return Calls.await(instancesAsync(service));
    }

    @Override
    public CompletableFuture<List<ServiceInstance>> instancesAsync(String service) {
        Validation.name("service", service);
        return coordinator.calls().read("instances of '" + service + "'",
                () -> coordinator.backend().registry().instances(service));
    }

    @Override
    public Subscription watch(String service, ServiceListener listener) {
        Validation.name("service", service);
        Validation.notNull("listener", listener);
        return coordinator.<List<ServiceInstance>>subscribe("registry watch '" + service + "'",
                sink -> coordinator.backend().registry().watch(service, instances -> sink.accept(List.copyOf(instances))),
                instances -> listener.membershipChanged(service, instances));
    }

    @Override
    public Optional<ServiceInstance> choose(String service, SelectionStrategy strategy) {
        Validation.name("service", service);
        Validation.notNull("strategy", strategy);
        return strategy.select(service, instances(service));
    }

    @Override
    public CompletableFuture<Optional<ServiceInstance>> chooseAsync(String service, SelectionStrategy strategy) {
        Validation.name("service", service);
        Validation.notNull("strategy", strategy);
        return instancesAsync(service).thenApply(live -> strategy.select(service, live));
    }
}
