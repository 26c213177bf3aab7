package io.coordkit.tck.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordkit.tck.check.RegistrationExpiryChecker.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RegistrationExpiryCheckerTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(1);

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    /** Crashed at +1000ms: the deadline is +4000ms. */
    private static final RegistrationExpiryChecker CHECKER =
            new RegistrationExpiryChecker("i1", ms(1_000), TTL, BOUND);

    private static Snapshot call(String observer, long from, long to, String... members) {
        return new Snapshot(observer, ms(from), ms(to), Set.of(members));
    }

    @Nested
    class Accepts {

        @Test
        void goneBeforeTheDeadlineAndMeasured() {
            CheckResult r = CHECKER.check(List.of(
                    call("o1", 500, 510, "i1", "i2"),
                    call("o1", 2_000, 2_010, "i1", "i2"),
                    call("o2", 2_900, 2_950, "i1", "i2"),
                    call("o1", 3_000, 3_020, "i2"),
                    call("o1", 3_500, 3_510, "i2")));
            r.assertOk();
            assertThat(r.measurement("detectionNanos")).hasValue(ms(2_020));
            assertThat(r.measurement("lastSeenNanos")).hasValue(ms(1_900));
            assertThat(r.measurement("boundNanos")).hasValue(ms(3_000));
        }

        @Test
        void watchNotificationsAsPoints() {
            CheckResult r = CHECKER.check(List.of(Snapshot.at("w", ms(100), Set.of("i1")),
                    Snapshot.at("w", ms(3_200), Set.of())));
            r.assertOk();
            assertThat(r.measurement("detectionNanos")).hasValue(ms(2_200));
            assertThat(r.measurement("lastSeenNanos")).isEmpty();
        }

        @Test
        void callSpanningTheDeadlineMayHaveSeenTheInstanceBeforeIt() {
            CHECKER.check(List.of(call("o1", 3_990, 4_100, "i1"), call("o1", 4_200, 4_210))).assertOk();
        }

        @Test
        void stableMembershipWhileAlive() {
            CHECKER.forbidFlapping(ms(0)).check(List.of(call("o1", 0, 10, "i1"), call("o1", 500, 510, "i1"),
                    call("o1", 990, 1_010), call("o1", 2_000, 2_010))).assertOk();
        }

        @Test
        void reRegistrationAfterResumeIsIgnored() {
            CHECKER.resumedAt(ms(5_000)).check(List.of(call("o1", 3_000, 3_010), call("o1", 5_500, 5_510, "i1")))
                    .assertOk();
        }
    }

    @Nested
    class Rejects {

        @Test
        void stillListedAfterTheDeadline() {
            CheckResult r = CHECKER.check(List.of(call("o1", 3_000, 3_010, "i1"), call("o2", 4_500, 4_510, "i1"),
                    call("o1", 5_000, 5_020, "i1"), call("o1", 5_500, 5_510)));
            assertThat(r.violations()).singleElement().satisfies(v -> {
                assertThat(v.rule()).isEqualTo("REG-2");
                assertThat(v.message()).isEqualTo("instance 'i1' (crashed or frozen at +0.000ms, TTL 2000.000ms"
                        + " + B 1000.000ms: deadline +3000.000ms) was still listed after the deadline (SES-3, FOV-1)"
                        + " by 2 snapshots, from o2 saw [i1] during +3500.000ms .. +3510.000ms to o1 saw [i1] during"
                        + " +4000.000ms .. +4020.000ms, 1000.000ms after the deadline");
            });
            assertThat(r.measurement("detectionNanos")).hasValue(ms(4_510));
        }

        @Test
        void neverSeenGone() {
            CheckResult r = CHECKER.check(List.of(call("o1", 2_000, 2_010, "i1")));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .contains("was never seen gone: the last snapshot still lists it"));
            assertThat(r.measurement("detectionNanos")).isEmpty();
        }

        @Test
        void noSnapshotAfterTheCrash() {
            assertThat(CHECKER.check(List.of(call("o1", 0, 10, "i1"))).violations()).singleElement()
                    .satisfies(v -> assertThat(v.message()).contains("no snapshot was taken after the crash"));
        }

        @Test
        void frozenClientStillListedBeforeItResumed() {
            assertThat(CHECKER.resumedAt(ms(6_000)).check(List.of(call("o1", 5_000, 5_010, "i1"),
                    call("o1", 7_000, 7_010, "i1"))).violatedRules()).containsExactly("REG-2");
        }

        @Test
        void flappingWhileAlive() {
            CheckResult r = CHECKER.forbidFlapping(ms(0)).check(List.of(call("o1", 0, 10, "i1"),
                    call("o2", 400, 410, "i2"), call("o1", 500, 510, "i1"), call("o1", 2_000, 2_010)));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .startsWith("instance 'i1' vanished while its client was alive")
                    .endsWith("(it must be listed from +0.000ms until the crash at +1000.000ms): o2 saw [i2] during"
                            + " +400.000ms .. +410.000ms"));
        }

        @Test
        void flappingIsAllowedUnlessForbidden() {
            CHECKER.check(List.of(call("o2", 400, 410), call("o1", 2_000, 2_010))).assertOk();
        }
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> call("o", 5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CHECKER.forbidFlapping(ms(2_000))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CHECKER.resumedAt(ms(500))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegistrationExpiryChecker("i", 0, Duration.ofSeconds(-1), BOUND))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
