package io.coordkit.tck.failover;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailoverComparisonTest {

    @TempDir
    Path dir;

    private Path write(String module, String fixture, String json) throws IOException {
        Path file = dir.resolve(module).resolve("target/failover").resolve(fixture + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        return file;
    }

    private static String record(String fixture, String rule, String check, String outcome, String timings,
                                 String violations, String failure) {
        return """
                {"check":"%s","rule":"%s","fixture":"%s","capabilities":["FAIR_LOCKS","A|B"],
                 "bounds":{"sessionTtlMs":3000,"expiryBoundMs":2000},"timingsMs":{%s},"counts":{},
                 "violations":[%s],"notes":["a note"],"outcome":"%s","failure":%s,"startedAtEpochMs":1}
                """.formatted(check, rule, fixture, timings, violations, outcome, failure);
    }

    @Test
    void putsEveryFixtureInAColumnAndEveryCheckInARow() throws IOException {
        write("backend-a", "a-cluster", "[" + record("a-cluster", "FOV-3", "FOV-3 engine leader killed", "PASSED",
                "\"lockWorksAgainMs\":1082", "", "null") + ","
                + record("a-cluster", "LCK-12", "LCK-12 fencing", "PASSED", "\"lockWorksAgainMs\":700", "", "null")
                + "]");
        write("backend-b", "b-cluster", "[" + record("b-cluster", "FOV-3", "FOV-3 engine leader killed", "FAILED",
                "\"lockWorksAgainMs\":9000,\"configPutWorksAgainMs\":-1", "\"LCK-2: two holders at 12 ms\"", "\"lock | never back\"") + ","
                + record("b-cluster", "FOV-10", "FOV-10 something later", "PASSED", "", "", "null") + "]");
        Files.createDirectories(dir.resolve("backend-c/target/other"));
        Files.writeString(dir.resolve("backend-c/target/other/x.json"), "not a record");

        List<Path> found = FailoverComparison.find(dir);
        assertThat(found).hasSize(2);
        FailoverComparison c = new FailoverComparison();
        found.forEach(c::add);
        String md = c.markdown(Instant.EPOCH);

        assertThat(md).contains("| Check | a-cluster | b-cluster |");
        String fov3 = md.lines().filter(l -> l.startsWith("| **FOV-3**")).findFirst().orElseThrow();
        assertThat(fov3).contains("engine leader killed", "**PASSED**", "lockWorksAgainMs 1082", "**FAILED**",
                "1 violation(s)", "LCK-2: two holders at 12 ms", "lockWorksAgainMs 9000",
                "failure: lock \\| never back", "configPutWorksAgainMs **timed out**");
        String lck12 = md.lines().filter(l -> l.startsWith("| **LCK-12**")).findFirst().orElseThrow();
        assertThat(lck12).contains("lockWorksAgainMs 700").endsWith("| not run |");
        // FOV rules in numeric order, then the others
        assertThat(md.indexOf("| **FOV-3**")).isLessThan(md.indexOf("| **FOV-10**"));
        assertThat(md.indexOf("| **FOV-10**")).isLessThan(md.indexOf("| **LCK-12**"));
        assertThat(md).contains("| session TTL / expiry bound B | 3000 ms / 2000 ms | 3000 ms / 2000 ms |")
                .contains("A\\|B, FAIR_LOCKS");
    }

    @Test
    void refusesAFileThatIsNotAnArrayOfRecords() throws IOException {
        Path bad = write("m", "f", "{\"check\":\"x\"}");
        assertThatThrownBy(() -> new FailoverComparison().add(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON array");
    }

    @Test
    void writesNothingWhenThereAreNoRecords() throws IOException {
        Path out = dir.resolve("out/report.md");
        FailoverComparison.main(new String[] {out.toString(), dir.toString()});
        assertThat(out).doesNotExist();
        write("m", "f", "[" + record("f", "FOV-1", "FOV-1 client crashed", "PASSED", "\"x\":1", "", "null") + "]");
        FailoverComparison.main(new String[] {out.toString(), dir.toString()});
        assertThat(Files.readString(out)).contains("| **FOV-1** client crashed | **PASSED**<br>no violations<br>x 1 |");
    }
}
