package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Arguments;
import io.coordkit.registry.ServiceInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code services service}: lists the live instances of a service. */
@Command(name = "services",
        header = "List the live instances of a service.",
        sortOptions = false,
        description = {"List the live instances of SERVICE, sorted by id, one 'ID ADDRESS [K=V...]' line each "
                + "(nothing if it has none).",
                "Example: coordctl services orders"})
final class ServicesCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service's name")
    String service;

    @Override
    void validate() {
        Arguments.name("service", service);
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            for (ServiceInstance i : c.registry().instances(service)) {
                String m = Text.metadata(i.metadata());
                out().println(i.id() + " " + i.address() + (m.isEmpty() ? "" : " " + m));
            }
            out().flush();
            return ExitCode.OK;
        }
    }
}
