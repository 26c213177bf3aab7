package io.coordkit.internal;

import io.coordkit.EngineAdmin;
import io.coordkit.spi.AdminBackend;

import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** The core's {@link EngineAdmin}: the backend's {@link AdminBackend} under the operation timeout. Internal. */
final class EngineAdminImpl implements EngineAdmin {
    private final CoordinatorImpl coordinator;

    EngineAdminImpl(CoordinatorImpl coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public SortedSet<String> services() {
        return list("services", AdminBackend::services);
    }

    @Override
    public SortedSet<String> locks() {
        return list("locks", AdminBackend::locks);
    }

    @Override
    public SortedSet<String> elections() {
        return list("elections", AdminBackend::elections);
    }

    @Override
    public SortedSet<String> namespaces() {
        return list("namespaces", AdminBackend::namespaces);
    }

    @Override
    public void deleteNamespace() {
        AdminBackend admin = admin("remove namespace");
        Calls.await(coordinator.calls().write("remove namespace '" + coordinator.namespace() + "'",
                admin::deleteNamespace));
    }

    private SortedSet<String> list(String what, Function<AdminBackend, CompletableFuture<SortedSet<String>>> call) {
        AdminBackend admin = admin("list " + what);
        return Calls.await(coordinator.calls().read("list " + what, () -> call.apply(admin)));
    }

    private AdminBackend admin(String what) {
        return coordinator.backend().admin().orElseThrow(() -> new UnsupportedOperationException(
                "the " + coordinator.scheme() + " backend cannot " + what));
    }
}
