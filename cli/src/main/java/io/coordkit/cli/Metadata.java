package io.coordkit.cli;

import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads repeated {@code --meta key=value} options. */
final class Metadata {

    private Metadata() {
    }

    /**
     * @param pairs the option values, each {@code key=value}
     * @param cmd   the command, for the error
     * @return the metadata, in the order given
     * @throws CommandLine.ParameterException if a pair has no {@code =} or an empty key, or a key repeats
     */
    static Map<String, String> parse(List<String> pairs, CommandLine cmd) {
        Map<String, String> meta = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(cmd,
                        "--meta must be written KEY=VALUE with a non-empty key, was '" + p + "'");
            }
            if (meta.put(p.substring(0, eq), p.substring(eq + 1)) != null) {
                throw new CommandLine.ParameterException(cmd,
                        "--meta key '" + p.substring(0, eq) + "' is given twice");
            }
        }
        return meta;
    }
}
