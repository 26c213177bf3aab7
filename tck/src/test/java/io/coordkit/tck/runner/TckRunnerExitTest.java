package io.coordkit.tck.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.coordkit.tck.runner.TckRunner.Result;
import io.coordkit.tck.runner.TckRunner.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The runner's exit status counts a suite that failed as a whole, not only test rows. */
class TckRunnerExitTest {

    /** Stands for a rule suite whose fixture cannot start (nested: surefire does not run it by itself). */
    static class SuiteWhoseFixtureFails {
        @BeforeAll
        static void startFixture() {
            throw new IllegalStateException("engine did not start");
        }

        @Test
        void required_LCK_2_neverRuns() {
        }
    }

    /** Stands for a suite whose fixture does not stop: its tests passed, then @AfterAll failed. */
    static class SuiteWhoseTeardownFails {
        @Test
        void required_LCK_1_passes() {
        }

        @AfterAll
        static void stopFixture() {
            throw new IllegalStateException("engine did not stop");
        }
    }

    static class AbortedSuite {
        @BeforeAll
        static void startFixture() {
            Assumptions.abort("no engine here");
        }

        @Test
        void required_LCK_2_neverRuns() {
        }
    }

    @Disabled("switched off")
    static class DisabledSuite {
        @Test
        void required_LCK_2_neverRuns() {
        }
    }

    static class PassingSuite {
        @Test
        void required_LCK_1_passes() {
        }
    }

    private static List<Row> run(Class<?>... classes) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Row> rows = TckRunner.execute(List.of(classes), new PrintStream(buf, true, StandardCharsets.UTF_8));
        TckRunner.printTable(rows, new PrintStream(buf, true, StandardCharsets.UTF_8));
        return rows;
    }

    @Test
    void aSuiteThatFailsBeforeItsTestsFailsTheRun() {
        List<Row> rows = run(PassingSuite.class, SuiteWhoseFixtureFails.class);
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.result()).isEqualTo(Result.FAILED);
            assertThat(r.test()).contains("SuiteWhoseFixtureFails");
            assertThat(r.observed()).contains("engine did not start");
        });
        assertThat(TckRunner.exitStatus(rows)).isEqualTo(1);
    }

    @Test
    void aFailureInAfterAllAddsAFailedSuiteRowAfterTheTestRows() {
        List<Row> rows = run(SuiteWhoseTeardownFails.class);
        assertThat(rows).extracting(Row::rule, Row::result).containsExactly(
                org.assertj.core.groups.Tuple.tuple("LCK-1", Result.PASSED),
                org.assertj.core.groups.Tuple.tuple("-", Result.FAILED));
        assertThat(rows.get(1).observed()).contains("engine did not stop");
        assertThat(TckRunner.exitStatus(rows)).isEqualTo(1);
    }

    @Test
    void abortedAndSkippedSuitesAreNotRunRowsThatDoNotFailTheRun() {
        List<Row> rows = run(AbortedSuite.class, DisabledSuite.class);
        assertThat(rows).extracting(Row::rule, Row::result).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("-", Result.NOT_RUN),
                org.assertj.core.groups.Tuple.tuple("-", Result.NOT_RUN));
        assertThat(rows).extracting(Row::observed).anySatisfy(o -> assertThat(o).contains("no engine here"))
                .anySatisfy(o -> assertThat(o).contains("switched off"));
        assertThat(TckRunner.exitStatus(rows)).isZero();
    }

    @Test
    void passingSuitesExitZero() {
        List<Row> rows = run(PassingSuite.class);
        assertThat(rows).extracting(Row::result).containsExactly(Result.PASSED);
        assertThat(TckRunner.exitStatus(rows)).isZero();
    }
}
