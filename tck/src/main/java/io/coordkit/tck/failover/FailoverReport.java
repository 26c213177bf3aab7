package io.coordkit.tck.failover;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.coordkit.testing.TestDirectories;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the {@link FailoverRecord}s of each fixture and writes them, after every check, as a JSON array to
 * {@code target/failover/<fixture>.json} (one file per fixture, one entry per check), for a comparative report.
 */
public final class FailoverReport {

    private static final Map<String, List<FailoverRecord>> RECORDS = new LinkedHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper()
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private FailoverReport() {
    }

    /**
     * @param fixture the fixture's name
     * @return the file its records go to
     */
    public static Path file(String fixture) {
        return TestDirectories.output().resolve("failover").resolve(fixture.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
    }

    /**
     * Adds (or replaces, by check name) a record and rewrites the fixture's file.
     *
     * @param record the record
     */
    public static synchronized void save(FailoverRecord record) {
        List<FailoverRecord> list = RECORDS.computeIfAbsent(record.fixture, f -> new ArrayList<>());
        list.removeIf(r -> r.check.equals(record.check));
        list.add(record);
        Path file = file(record.fixture);
        try {
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), list);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
