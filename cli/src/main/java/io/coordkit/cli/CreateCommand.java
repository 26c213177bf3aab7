package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Arguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;

/** {@code create key value}: writes a config value only if the key has none. */
@Command(name = "create",
        header = "Write a value only if the key has none.",
        sortOptions = false,
        description = {"Write VALUE to KEY only if KEY has no value (put-if-absent) and print the new version. "
                + "Exit code 4 if KEY already has a value (nothing is written).",
                "VALUE - reads the value from standard input, --file FILE from a file (byte for byte, up to "
                        + "512 KiB). A VALUE starting with @ is taken as it is.",
                "Example: coordctl create app/owner alice"})
final class CreateCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "KEY", 
            converter = NameArgs.Name.class, description = "The key")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
            description = "The value (\"\" for an empty value; - to read standard input)")
    String value;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Read the value from FILE instead (- for standard input)")
    Path file;

    private byte[] bytes;

    @Override
    void validate() {
        Arguments.name("key", key);
        bytes = Arguments.value("value", ValueInput.read(spec.commandLine(), value, file, root.in(),
                Arguments.MAX_VALUE_BYTES));
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            Optional<Long> version = c.config().putIfAbsent(key, bytes);
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
