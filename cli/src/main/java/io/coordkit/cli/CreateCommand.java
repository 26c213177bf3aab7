package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Arguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** {@code create key value}: writes a config value only if the key has none. */
@Command(name = "create",
        header = "Write a value only if the key has none.",
        sortOptions = false,
        description = {"Write VALUE to KEY only if KEY has no value (put-if-absent) and print the new version. "
                + "Exit code 4 if KEY already has a value (nothing is written).",
                "Example: coordctl create app/owner alice"})
final class CreateCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value")
    String value;

    @Override
    void validate() {
        Arguments.name("key", key);
        Arguments.value("value", value);
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            Optional<Long> version = c.config().putIfAbsent(key, value.getBytes(StandardCharsets.UTF_8));
            if (version.isEmpty()) {
                warn("key '" + key + "' already has a value; nothing written");
                return ExitCode.CONFLICT;
            }
            out().println(version.get());
            out().flush();
            return ExitCode.OK;
        }
    }
}
