package io.coordkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the TCK writes: logs of the processes it starts, failover records, and temporary server data.
 *
 * <ul>
 *   <li>Output (logs, reports): {@code target/} of the working directory (Maven runs tests in the module's
 *   directory), or the directory named by the system property {@value #OUTPUT_PROPERTY}.</li>
 *   <li>Server data: a fresh directory under {@code /dev/shm} when it exists (much faster for engines that
 *   fsync), else under {@code java.io.tmpdir}; or under the directory named by {@value #DATA_PROPERTY}. Data
 *   directories are removed when their servers stop.</li>
 * </ul>
 */
public final class TestDirectories {

    /** System property: the directory for logs and reports. */
    public static final String OUTPUT_PROPERTY = "coordkit.tck.outputDir";
    /** System property: the directory under which server data directories are made. */
    public static final String DATA_PROPERTY = "coordkit.tck.dataDir";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String RUN_ID = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + "-" + ProcessHandle.current().pid();

    private TestDirectories() {
    }

    /** @return the output directory (created if needed) */
    public static Path output() {
        String configured = System.getProperty(OUTPUT_PROPERTY);
        Path dir = configured != null ? Paths.get(configured) : Paths.get("target");
        return createDirectories(dir.toAbsolutePath());
    }

    /**
     * @param prefix a short name of what logs there, for example {@code zookeeper-3}
     * @return a new, unique directory for the logs of one group of processes, under {@code output()/tck-logs/}
     */
    public static Path newLogDirectory(String prefix) {
        return createDirectories(output().resolve("tck-logs").resolve(RUN_ID)
                .resolve(prefix + "-" + SEQUENCE.incrementAndGet()));
    }

    /**
     * @param prefix a short name, for example {@code zookeeper}
     * @return a new, empty directory for server data; delete it with {@link #deleteRecursively(Path)}
     */
    public static Path newDataDirectory(String prefix) {
        return newDataDirectory(prefix, true);
    }

    /**
     * @param prefix    a short name, for example {@code zookeeper}
     * @param sharedMem true to prefer {@code /dev/shm}; false for a directory that can be bind-mounted into a
     *                  container at the same path (a container has its own {@code /dev})
     * @return a new, empty directory for server data; delete it with {@link #deleteRecursively(Path)}
     */
    public static Path newDataDirectory(String prefix, boolean sharedMem) {
        String configured = System.getProperty(DATA_PROPERTY);
        Path base;
        if (configured != null) {
            base = createDirectories(Paths.get(configured));
        } else if (sharedMem && Files.isDirectory(Paths.get("/dev/shm")) && Files.isWritable(Paths.get("/dev/shm"))) {
            base = Paths.get("/dev/shm");
        } else {
            base = Paths.get(System.getProperty("java.io.tmpdir"));
        }
        try {
            return Files.createTempDirectory(base, "coordkit-tck-" + prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory under " + base, e);
        }
    }

    /**
     * Deletes a directory tree; missing files are ignored, other failures are reported on stderr (cleanup must
     * not hide a test's own failure).
     *
     * @param dir the directory
     */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("[coordkit-tck] could not delete " + dir + ": " + e);
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir, e);
        }
    }
}
