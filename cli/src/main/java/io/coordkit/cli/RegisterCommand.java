package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Arguments;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code register service id address}: keeps a service instance registered. */
@Command(name = "register",
        header = "Keep a service instance registered until interrupted.",
        sortOptions = false,
        description = {"Register an instance of SERVICE and keep it registered until interrupted (Ctrl-C) or "
                + "--timeout; then deregister it. If this process dies or freezes, the engine removes the "
                + "instance once the session TTL has passed. Prints 'registered SERVICE ID ADDRESS [K=V...]'.",
                "Example: coordctl register orders node-a 10.0.0.7:8080 --meta zone=eu-1"})
final class RegisterCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "SERVICE", 
            converter = NameArgs.Name.class, description = "The service's name, e.g. orders")
    String service;

    @Parameters(index = "1", paramLabel = "ID", description = "The instance id, one name segment")
    String id;

    @Parameters(index = "2", paramLabel = "ADDRESS", description = "Where clients reach it, e.g. 10.0.0.7:8080")
    String address;

    @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Instance metadata (repeatable)")
    List<String> meta = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Deregister and exit after this long")
    Duration timeout;

    @Override
    void validate() {
        Arguments.name("service", service);
        Arguments.segment("instance id", id);
        Arguments.address("instance address", address);
        Arguments.metadata("instance metadata", Metadata.parse(meta, spec.commandLine()));
    }

    @Override
    public Integer call() throws InterruptedException {
        ServiceInstance instance = new ServiceInstance(id, address, Metadata.parse(meta, spec.commandLine()));
        try (Hold hold = new Hold(err()); Coordinator c = hold.track(connect())) {
            reportSessionChanges(c, "the instance is registered again in the new session");
            try (Registration r = c.registry().register(service, instance)) {
                String m = Text.metadata(r.instance().metadata());
                hold.holding("the registration of " + id + " in " + service);
                emit("registered " + service + " " + id + " " + address + (m.isEmpty() ? "" : " " + m));
                hold.await(timeout);
            }
            return ExitCode.OK;
        }
    }
}
