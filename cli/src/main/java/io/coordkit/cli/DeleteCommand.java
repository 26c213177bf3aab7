package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.internal.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code delete key [--version N]}: deletes a config value. */
@Command(name = "delete",
        header = "Delete a value; --version to delete only at that version.",
        aliases = "rm", sortOptions = false,
        description = {"Delete the value of KEY. Exit code 1 if it had none. With --version, delete only at that "
                + "version; otherwise exit code 4 and nothing is deleted.",
                "Example: coordctl delete app/mode; coordctl delete --version 7 app/mode"})
final class DeleteCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key")
    String key;

    @Option(names = "--version", paramLabel = "VERSION", description = "Delete only if the key is at this version")
    Long expectedVersion;

    private Long expected;

    @Override
    boolean acceptsVersionBeforeCommand() {
        return true;
    }

    @Override
    void validate() {
        Validation.name("key", key);
        Long before = root.versionBeforeCommand(spec.commandLine());
        if (before != null && expectedVersion != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--version is given twice, before and after the command");
        }
        expected = expectedVersion != null ? expectedVersion : before;
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            if (expected != null) {
                c.config().delete(key, expected);
                return ExitCode.OK;
            }
            if (!c.config().delete(key)) {
                warn("key '" + key + "' has no value");
                return ExitCode.NOT_MET;
            }
            return ExitCode.OK;
        }
    }
}
