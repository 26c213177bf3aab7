package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Arguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;

/** {@code set key value [--version N]}: writes a config value, optionally with compare-and-set. */
@Command(name = "set",
        header = "Write a value; --version for compare-and-set.",
        sortOptions = false,
        description = {"Write VALUE (UTF-8 text) to KEY and print the new version. With --version, write only if "
                + "the key is at that version (compare-and-set); otherwise exit code 4 and nothing is written.",
                "Example: v=$(coordctl get -s app/mode | sed -n 's/^version=//p'); "
                        + "coordctl set --version \"$v\" app/mode maintenance"})
final class SetCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value (use \"\" for an empty value)")
    String value;

    @Option(names = "--version", paramLabel = "VERSION",
            description = "Expected current version (compare-and-set); -1 means: only if the key has no value")
    Long expectedVersion;

    @Override
    void validate() {
        Arguments.name("key", key);
        Arguments.value("value", value);
    }

    @Override
    public Integer call() {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        try (Coordinator c = connect()) {
            long version = expectedVersion == null
                    ? c.config().put(key, bytes)
                    : c.config().compareAndSet(key, expectedVersion, bytes);
            out().println(version);
            out().flush();
            return ExitCode.OK;
        }
    }
}
