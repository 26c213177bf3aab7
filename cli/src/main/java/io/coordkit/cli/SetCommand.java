package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Arguments;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** {@code set key value [--version N]}: writes a config value, optionally with compare-and-set. */
@Command(name = "set",
        header = "Write a value; --version for compare-and-set.",
        sortOptions = false,
        description = {"Write VALUE (UTF-8 text) to KEY and print the new version. With --version, write only if "
                + "the key is at that version (compare-and-set); otherwise exit code 4 and nothing is written.",
                "VALUE - reads the value from standard input, --file FILE from a file (byte for byte, up to "
                        + "512 KiB). A VALUE starting with @ is taken as it is.",
                "Example: v=$(coordctl get -s app/mode | sed -n 's/^version=//p'); "
                        + "coordctl set --version \"$v\" app/mode maintenance",
                "         coordctl set app/tls/cert --file cert.pem; gzip -c big.json | coordctl set app/big -"})
final class SetCommand extends Subcommand {

    @Parameters(index = "0", paramLabel = "KEY", 
            converter = NameArgs.Name.class, description = "The key")
    String key;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE",
            description = "The value (\"\" for an empty value; - to read standard input)")
    String value;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "Read the value from FILE instead (- for standard input)")
    Path file;

    @Option(names = "--version", paramLabel = "VERSION",
            description = "Expected current version (compare-and-set); -1 means: only if the key has no value")
    Long expectedVersion;

    private byte[] bytes;
    private Long expected;

    @Override
    boolean acceptsVersionBeforeCommand() {
        return true;
    }

    @Override
    void validate() {
        Arguments.name("key", key);
        Long before = root.versionBeforeCommand(spec.commandLine());
        if (before != null && expectedVersion != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--version is given twice, before and after the command");
        }
        expected = expectedVersion != null ? expectedVersion : before;
        bytes = Arguments.value("value", ValueInput.read(spec.commandLine(), value, file, root.in(),
                Arguments.MAX_VALUE_BYTES));
    }

    @Override
    public Integer call() {
        try (Coordinator c = connect()) {
            long version = expected == null
                    ? c.config().put(key, bytes)
                    : c.config().compareAndSet(key, expected, bytes);
            out().println(version);
            out().flush();
            return ExitCode.OK;
        }
    }
}
