package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.config.Versioned;
import io.coordkit.Arguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Optional;

/** {@code get key}: prints a config value. */
@Command(name = "get",
        header = "Print the value of a key.",
        sortOptions = false,
        description = {"Print the value of KEY (as UTF-8 text, followed by a newline). Exit code 1 if it has none.",
                "Example: coordctl get app/db/url; coordctl get -s app/db/url"})
final class GetCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "KEY", 
            converter = NameArgs.Name.class, description = "The key, e.g. app/db/url")
    String key;

    @Option(names = {"-s", "--stat"},
            description = "Print key=KEY, version=VERSION and size=BYTES lines instead of the value")
    boolean stat;

    @Override
    void validate() {
        Arguments.name("key", key);
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            Optional<Versioned<byte[]>> v = c.config().get(key);
            if (v.isEmpty()) {
                warn("key '" + key + "' has no value");
                return ExitCode.NOT_MET;
            }
            if (stat) {
                out().println("key=" + key);
                out().println("version=" + v.get().version());
                out().println("size=" + v.get().value().length);
            } else {
                out().println(Text.utf8(v.get().value()));
            }
            out().flush();
            return ExitCode.OK;
        }
    }
}
