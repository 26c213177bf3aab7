package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Arguments;
import io.coordkit.registry.ServiceInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code services [service]}: lists the services in use, or the live instances of one. */
@Command(name = "services",
        header = "List the services, or the live instances of one.",
        sortOptions = false,
        description = {"Without SERVICE: list the services of the namespace that have a live instance, sorted, one "
                + "per line. With SERVICE: list its live instances, sorted by id, one 'ID ADDRESS [K=V...]' line "
                + "each (nothing if it has none).",
                "Example: coordctl services; coordctl services orders"})
final class ServicesCommand extends Subcommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", converter = NameArgs.Name.class,
            description = "The service's name")
    String service;

    @Override
    void validate() {
        if (service != null) {
            Arguments.name("service", service);
        }
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            if (service == null) {
                c.admin().services().forEach(out()::println);
            } else {
                for (ServiceInstance i : c.registry().instances(service)) {
                    String m = Text.metadata(i.metadata());
                    out().println(i.id() + " " + i.address() + (m.isEmpty() ? "" : " " + m));
                }
            }
            out().flush();
            return ExitCode.OK;
        }
    }
}
