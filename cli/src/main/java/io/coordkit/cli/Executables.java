package io.coordkit.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a command's program the way a POSIX shell does, so that {@code lock} can check it before locking. */
final class Executables {

    private Executables() {
    }

    /**
     * @param program a program name ({@code backup.sh}, looked up in PATH) or path ({@code ./backup.sh},
     *                {@code /usr/bin/backup}: taken as it is)
     * @param path    the PATH variable, or null
     * @return the file that would run: for a path, the file if it exists; for a name, the first PATH entry
     *         holding an executable file of that name, else the first holding a file of that name (which then
     *         cannot be executed); empty if there is none
     */
    static Optional<Path> find(String program, String path) {
        try {
            if (program.isEmpty()) {
                return Optional.empty();
            }
            if (program.contains("/")) {
                Path p = Path.of(program);
                return Files.exists(p) ? Optional.of(p) : Optional.empty();
            }
            Path notExecutable = null;
            for (String dir : (path == null ? "" : path).split(File.pathSeparator, -1)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
                if (Files.isRegularFile(candidate)) {
                    if (Files.isExecutable(candidate)) {
                        return Optional.of(candidate);
                    }
                    if (notExecutable == null) {
                        notExecutable = candidate;
                    }
                }
            }
            return Optional.ofNullable(notExecutable);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
