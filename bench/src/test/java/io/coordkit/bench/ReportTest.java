package io.coordkit.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ratio table and the report on synthetic rows (no server, no timing). */
class ReportTest {

    private static Stats stats(Role role, double p50, double perSecond) {
        return new Stats(role, role.name() + " label", 1000, p50, p50 * 2, p50 * 3, perSecond, -1);
    }

    private static Row lockRow(double coordkitPerSecond) {
        return new Row.Builder("zookeeper", "lock")
                .side(stats(Role.COORDKIT, 500, coordkitPerSecond))
                .side(stats(Role.NATIVE, 700, 1000))
                .side(stats(Role.FLOOR, 400, 2000))
                .target(Target.atLeast(Role.NATIVE, "≥ 1.00x native"))
                .target(Target.within(Role.FLOOR, 1.2, "within 1.2x of floor"))
                .note("a note")
                .build();
    }

    @Test
    void ratiosAreCoordkitThroughputOverTheOtherSide() {
        Row row = lockRow(1500);
        assertThat(row.ratio(Role.NATIVE)).isEqualTo(1.5);
        assertThat(row.ratio(Role.FLOOR)).isEqualTo(0.75);
        assertThat(row.p50Ratio(Role.NATIVE)).isEqualTo(700.0 / 500);
        assertThat(row.p50Ratio(Role.FLOOR)).isEqualTo(400.0 / 500);
    }

    @Test
    void targetsAreJudgedOnTheThroughputRatio() {
        Row slowerThanFloorBound = lockRow(1500); // 0.75x floor < 1/1.2
        assertThat(slowerThanFloorBound.missed()).extracting(Target::text).containsExactly("within 1.2x of floor");
        Row fastEnough = lockRow(1700); // 0.85x floor, 1.7x native
        assertThat(fastEnough.missed()).isEmpty();
        Row slowerThanNative = lockRow(900);
        assertThat(slowerThanNative.missed()).extracting(Target::text)
                .containsExactly("≥ 1.00x native", "within 1.2x of floor");
    }

    @Test
    void aMissingSideHasNoRatioAndNoVerdict() {
        Row row = new Row.Builder("redis", "config put").side(stats(Role.COORDKIT, 100, 100))
                .target(Target.atLeast(Role.NATIVE, "≥ 1.00x native")).build();
        assertThat(row.ratio(Role.NATIVE)).isNull();
        assertThat(row.targets().get(0).met(row)).isNull();
        assertThat(row.missed()).isEmpty();
    }

    @Test
    void markdownListsRatiosSidesNotesAndMissedTargets() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("machine", "test box");
        String md = Report.markdown(List.of(lockRow(1500)), env);
        assertThat(md).contains("- machine: test box");
        assertThat(md).contains("| zookeeper | lock | 1.50x | 0.75x | 1.40x / 0.80x | ≥ 1.00x native; within 1.2x of "
                + "floor | yes; **no** |");
        assertThat(md).contains("| zookeeper | lock | native | NATIVE label | 700 | 1400 | 2100 | 1000 |  | 1000 |");
        assertThat(md).contains("- zookeeper, lock: a note");
        assertThat(md).contains("## Targets missed\n\n- zookeeper, lock: within 1.2x of floor, measured 0.75x");
        assertThat(Report.markdown(List.of(lockRow(1700)), env)).contains("## Targets missed\n\nNone.");
    }

    @Test
    void jsonHoldsEveryFigureAndEscapesText(@TempDir Path dir) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JVM", "a \"quoted\" name\\with a backslash");
        Report.write(dir, "r", List.of(lockRow(1500)), env);
        String json = Files.readString(dir.resolve("r.json"));
        assertThat(json).contains("\"JVM\": \"a \\\"quoted\\\" name\\\\with a backslash\"");
        assertThat(json).contains("\"coordkitOverNative\": 1.5,");
        assertThat(json).contains("\"coordkitOverFloor\": 0.75,");
        assertThat(json).contains("\"perSecond\": 1500,");
        assertThat(json).contains("\"serverEventsPerOp\": null");
        assertThat(json).contains("\"met\": false");
        assertThat(json).contains("\"minRatio\": 0.8333,");
        assertThat(Files.readString(dir.resolve("r.md"))).startsWith("# coordkit benchmarks");
        // balanced structure
        assertThat(json.chars().filter(c -> c == '{').count()).isEqualTo(json.chars().filter(c -> c == '}').count());
        assertThat(json.chars().filter(c -> c == '[').count()).isEqualTo(json.chars().filter(c -> c == ']').count());
    }
}
