package io.coordkit.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where {@code set} and {@code create} take a value from: the VALUE argument (UTF-8 text), {@code -} for standard
 * input, or {@code --file F}; files and standard input are taken byte for byte, up to the 512 KiB limit (NAM-3).
 * Read before any connection, so that a missing file or a value too large is a usage error.
 */
final class ValueInput {

    private ValueInput() {
    }

    /**
     * @param cmd   the command, for errors
     * @param value the VALUE argument, {@code -} for standard input, or null
     * @param file  the {@code --file} option, {@code -} for standard input, or null
     * @param stdin standard input
     * @param max   the largest value allowed, in bytes
     * @return the value's bytes (not yet checked against the core's rules)
     * @throws CommandLine.ParameterException if both or neither are given, the file cannot be read, or the value
     *                                        is larger than allowed
     */
    static byte[] read(CommandLine cmd, String value, Path file, InputStream stdin, int max) {
        if (value != null && file != null) {
            throw new CommandLine.ParameterException(cmd, "give the value either as VALUE or with --file, not both");
        }
        if (value == null && file == null) {
            throw new CommandLine.ParameterException(cmd, "no value: give VALUE, - to read standard input, or "
                    + "--file FILE (use \"\" for an empty value)");
        }
        byte[] bytes;
        String source;
        if (file != null && !file.toString().equals("-")) {
            source = "file " + file;
            try {
                long size = Files.size(file);
                if (size > max) {
                    throw tooLarge(cmd, source, Long.toString(size), max);
                }
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new CommandLine.ParameterException(cmd, "--file " + file + ": no such file");
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cmd, "--file " + file + ": cannot read it: " + e);
            }
        } else if (file != null || value.equals("-")) {
            source = "standard input";
            try {
                bytes = stdin.readNBytes(max + 1);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cmd, "cannot read standard input: " + e.getMessage());
            }
            if (bytes.length > max) {
                throw tooLarge(cmd, source, "more than " + max, max);
            }
        } else {
            source = "VALUE";
            bytes = value.getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    private static CommandLine.ParameterException tooLarge(CommandLine cmd, String source, String size, int max) {
        return new CommandLine.ParameterException(cmd, "the value from " + source + " is " + size + " bytes; at most "
                + max + " (" + max / 1024 + " KiB) allowed (NAM-3)");
    }
}
