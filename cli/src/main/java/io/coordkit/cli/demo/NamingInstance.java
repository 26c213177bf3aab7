package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;

import java.util.Map;

/**
 * Demo actor (child JVM): one instance of a service. Registers itself and stays registered until its standard
 * input ends. Arguments: {@code URI SESSION_TTL_MILLIS SERVICE ID ADDRESS}. Events: {@code REGISTERED ID PID}.
 */
final class NamingInstance {

    private NamingInstance() {
    }

    /**
     * @param args {@code URI SESSION_TTL_MILLIS SERVICE ID ADDRESS}
     */
    public static void main(String[] args) {
        ActorIo.main(args, 3, (uri, ttl, a) -> {
            String service = a[0];
            String id = a[1];
            ServiceInstance instance = new ServiceInstance(id, a[2], Map.of("pid", Long.toString(ActorIo.pid())));
            try (Coordinator c = ActorIo.connect(uri, ttl);
                 Registration registration = c.registry().register(service, instance)) {
                ActorIo.emit("REGISTERED", registration.instance().id(), ActorIo.pid());
                ActorIo.awaitEndOfInput();
            }
        });
    }
}
