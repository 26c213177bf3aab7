package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.config.Versioned;
import io.coordkit.Arguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code ls [prefix]}: lists config keys. */
@Command(name = "ls",
        header = "List config keys under a prefix.",
        sortOptions = false,
        description = {"List the config keys that have a value under PREFIX (by whole segments: app/db covers "
                + "app/db and app/db/url, not app/dbx), sorted, one per line.",
                "Example: coordctl ls -l app"})
final class LsCommand extends Subcommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX", defaultValue = "",
            converter = NameArgs.Prefix.class,
            description = "Key prefix (default: the whole namespace)")
    String prefix;

    @Option(names = {"-l", "--long"},
            description = "Print KEY VERSION VALUE per line (the value escaped to one line)")
    boolean longFormat;

    @Override
    void validate() {
        Arguments.prefix("prefix", prefix);
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            for (Map.Entry<String, Versioned<byte[]>> e : c.config().list(prefix).entrySet()) {
                if (longFormat) {
                    out().println(e.getKey() + " " + e.getValue().version() + " "
                            + Text.oneLine(e.getValue().value()));
                } else {
                    out().println(e.getKey());
                }
            }
            out().flush();
            return ExitCode.OK;
        }
    }
}
