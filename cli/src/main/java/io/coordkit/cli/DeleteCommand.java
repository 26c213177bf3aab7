package io.coordkit.cli;

import io.coordkit.Arguments;
import io.coordkit.Coordinator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Set;

/** {@code delete key [--version N]}, {@code delete -r prefix}: deletes config values. */
@Command(name = "delete",
        header = "Delete a value (-r: every key under a prefix); --version to delete only at that version.",
        aliases = "rm", sortOptions = false,
        description = {"Delete the value of KEY. Exit code 1 if it had none. With --version, delete only at that "
                + "version; otherwise exit code 4 and nothing is deleted.",
                "With -r, KEY is a prefix (by whole segments, / for the whole namespace): every key under it is "
                        + "deleted, one after the other (not atomically: a key written meanwhile may stay), and "
                        + "each is printed. Exit code 1 if there was none.",
                "Example: coordctl delete app/mode; coordctl delete --version 7 app/mode; coordctl rm -r app/old"})
final class DeleteCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "KEY", converter = NameArgs.Prefix.class,
            description = "The key (with -r: the prefix)")
    String key;

    @Option(names = "--version", paramLabel = "VERSION", description = "Delete only if the key is at this version")
    Long expectedVersion;

    @Option(names = {"-r", "--recursive"}, description = "Delete every key under the prefix KEY")
    boolean recursive;

    private Long expected;

    @Override
    boolean acceptsVersionBeforeCommand() {
        return true;
    }

    @Override
    void validate() {
        Long before = root.versionBeforeCommand(spec.commandLine());
        if (before != null && expectedVersion != null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--version is given twice, before and after the command");
        }
        expected = expectedVersion != null ? expectedVersion : before;
        if (recursive) {
            if (expected != null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--version is for one key; it cannot be combined with -r");
            }
            Arguments.prefix("prefix", key);
        } else {
            Arguments.name("key", key);
        }
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            if (recursive) {
                Set<String> keys = c.config().list(key).keySet();
                if (keys.isEmpty()) {
                    warn("no key under '" + (key.isEmpty() ? "/" : key) + "'");
                    return ExitCode.NOT_MET;
                }
                for (String k : keys) {
                    if (c.config().delete(k)) {
                        out().println(k);
                        out().flush();
                    }
                }
                return ExitCode.OK;
            }
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
