package io.coordkit.redis;

import io.coordkit.Subscription;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.spi.BackendRegistration;
import io.coordkit.spi.RegistryBackend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The registry on Redis: per service a hash of owners ({@code id -> sid|token}) and one of payloads (address and
 * metadata). An entry counts while its session key lives; reads remove the entries of dead sessions and publish
 * that they did. Watches re-read the membership when the service's channel publishes and on the re-check timer
 * (which finds expired sessions), and deliver it when it differs from the last delivery.
 */
final class RedisRegistry implements RegistryBackend {

    private final Link link;
    private final Keys keys;
    private final SessionKeeper session;
    private final Notifier notifier;
    private final Executor executor;
    private final Replication replication;

    RedisRegistry(Link link, Keys keys, SessionKeeper session, Notifier notifier, Executor executor,
                  Replication replication) {
        this.link = link;
        this.keys = keys;
        this.session = session;
        this.notifier = notifier;
        this.executor = executor;
        this.replication = replication;
    }

    private String[] serviceKeys(String service) {
        String s = keys.service(service);
        return new String[] {s + ":o", s + ":i"};
    }

    private String channel(String service) {
        return keys.service(service) + ":c";
    }

    @Override
    public CompletableFuture<BackendRegistration> register(String service, ServiceInstance instance,
                                                           boolean renewal) {
        String sid;
        try {
            sid = session.sid();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        String token = UUID.randomUUID().toString();
        String what = "register instance '" + instance.id() + "' of service '" + service + "'";
        String[] k = serviceKeys(service);
        Registration reg = new Registration(service, instance.id(), token, k);
        CompletableFuture<BackendRegistration> f = link.eval(what, Scripts.REGISTER, k, instance.id(), sid, token,
                        Codec.encode(instance.address(), instance.metadata()), renewal ? "1" : "0",
                        session.coordinatorPrefix(), channel(service))
                .thenCompose(r -> replication.await(what))
                .thenApply(r -> (BackendRegistration) reg);
        f.whenComplete((r, e) -> {
            if (f.isCancelled()) {
                reg.deregister();
            }
        });
        return f;
    }

    private final class Registration implements BackendRegistration {
        private final String service;
        private final String id;
        private final String token;
        private final String[] k;

        Registration(String service, String id, String token, String[] k) {
            this.service = service;
            this.id = id;
            this.token = token;
            this.k = k;
        }

        @Override
        public CompletableFuture<Void> deregister() {
            return link.evalAnyTime("deregister instance '" + id + "' of service '" + service + "'",
                    Scripts.DEREGISTER, k, id, token, channel(service)).thenApply(r -> (Void) null);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<List<ServiceInstance>> instances(String service) {
        return link.evalAnyTime("list instances of service '" + service + "'", Scripts.INSTANCES,
                serviceKeys(service), channel(service)).thenApply(r -> {
                    List<ServiceInstance> out = new ArrayList<>();
                    for (int i = 0; i + 1 < r.size(); i += 2) {
                        Object[] d = Codec.decode(RedisConfig.bytes(r.get(i + 1)), true);
                        out.add(new ServiceInstance(Link.text(r.get(i)), (String) d[0], (Map<String, String>) d[1]));
                    }
                    out.sort(Comparator.comparing(ServiceInstance::id));
                    return out;
                });
    }

    @Override
    public Subscription watch(String service, Consumer<List<ServiceInstance>> listener) {
        Object[] last = {null};
        Rechecker checker = new Rechecker(executor, () -> instances(service).thenAccept(list -> {
            if (!list.equals(last[0])) {
                last[0] = list;
                listener.accept(list);
            }
        }));
        return notifier.subscribe(channel(service), checker);
    }
}
