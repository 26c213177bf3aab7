package io.coordkit.tck.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordkit.tck.check.LeadershipChecker.Leadership;
import io.coordkit.tck.check.LeadershipChecker.Sighting;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LeadershipCheckerTest {

    private static final LeadershipChecker CHECKER = new LeadershipChecker();

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    @Nested
    class Accepts {

        @Test
        void successiveLeadersWithIncreasingTerms() {
            CheckResult r = CHECKER.check(List.of(
                    new Leadership("a", 1, ms(0), ms(10)),
                    new Leadership("b", 5, ms(12), ms(30)),
                    Leadership.open("a", 6, ms(30))));
            r.assertOk();
            assertThat(r.measurement("terms")).hasValue(3);
            assertThat(r.measurement("maxOverlapNanos")).hasValue(0);
        }

        @Test
        void sameTermToldAgainAfterReconnect() {
            // SES-5: revoked(SESSION_SUSPENDED), then elected again with the same term.
            CHECKER.check(List.of(new Leadership("a", 3, ms(0), ms(10)), new Leadership("a", 3, ms(15), ms(20)),
                    Leadership.open("b", 4, ms(25)))).assertOk();
        }

        @Test
        void frozenLeaderEndsWhenItWasFrozen() {
            CHECKER.check(List.of(new Leadership("a", 1, ms(0), ms(100)), Leadership.open("b", 2, ms(4_000))))
                    .assertOk();
        }

        @Test
        void overlapWithinATolerance() {
            List<Leadership> ls = List.of(new Leadership("a", 1, ms(0), ms(10)), Leadership.open("b", 2, ms(8)));
            assertThat(CHECKER.check(ls).isOk()).isFalse();
            CheckResult r = CHECKER.withTolerance(Duration.ofMillis(2)).check(ls);
            r.assertOk();
            assertThat(r.measurement("maxOverlapNanos")).hasValue(ms(2));
        }

        @Test
        void observersSeeingTermsGrow() {
            CHECKER.check(List.of(new Leadership("a", 1, ms(0), ms(10)), Leadership.open("b", 2, ms(12))),
                    List.of(Sighting.of("o1", "a", 1, ms(5)), Sighting.none("o1", ms(11)),
                            Sighting.of("o1", "b", 2, ms(13)), Sighting.of("o2", "a", 1, ms(14)),
                            Sighting.of("o2", "b", 2, ms(20)))).assertOk();
        }
    }

    @Nested
    class Rejects {

        @Test
        void twoLeadersAtOnce() {
            CheckResult r = CHECKER.check(List.of(new Leadership("a", 1, ms(0), ms(40)),
                    new Leadership("b", 2, ms(30), ms(50))));
            assertThat(r.violatedRules()).containsExactly("ELE-2");
            assertThat(r.violations().get(0).message()).isEqualTo("two leaders at once for 10.000ms from +30.000ms:"
                    + " a leading with term 1 from +0.000ms to +40.000ms and b leading with term 2 from +30.000ms"
                    + " to +50.000ms");
        }

        @Test
        void overlapBeyondTheTolerance() {
            CheckResult r = CHECKER.withTolerance(Duration.ofMillis(2)).check(List.of(
                    new Leadership("a", 1, ms(0), ms(10)), Leadership.open("b", 2, ms(7))));
            assertThat(r.violations().get(0).message()).contains("for 3.000ms").contains("(tolerance 2.000ms)");
        }

        @Test
        void oneCandidateLeadingTwoTermsAtOnce() {
            assertThat(CHECKER.check(List.of(Leadership.open("a", 1, ms(0)), Leadership.open("a", 2, ms(5))))
                    .violatedRules()).containsExactly("ELE-2");
        }

        @Test
        void termsGoingBackwards() {
            CheckResult r = CHECKER.check(List.of(new Leadership("a", 5, ms(0), ms(10)),
                    new Leadership("b", 3, ms(20), ms(30))));
            assertThat(r.violatedRules()).containsExactly("ELE-3");
            assertThat(r.violations().get(0).message()).isEqualTo("terms went backwards: b was elected at"
                    + " +20.000ms with term 3, after a had been elected at +0.000ms with the greater term 5");
        }

        @Test
        void oldLeadershipResumingAfterANewerOne() {
            assertThat(CHECKER.check(List.of(new Leadership("a", 3, ms(0), ms(10)),
                    new Leadership("b", 4, ms(12), ms(20)), new Leadership("a", 3, ms(25), ms(30))))
                    .violatedRules()).containsExactly("ELE-3");
        }

        @Test
        void sameTermForTwoCandidates() {
            CheckResult r = CHECKER.check(List.of(new Leadership("a", 7, ms(0), ms(10)),
                    new Leadership("b", 7, ms(20), ms(30))));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .startsWith("term 7 was given to two candidates, a and b"));
        }

        @Test
        void observerSeeingTheSameTermWithAnotherLeader() {
            CheckResult r = CHECKER.check(List.of(Leadership.open("a", 7, ms(0))),
                    List.of(Sighting.of("o1", "b", 7, ms(5))));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .contains("term 7 was given to two candidates, a and b")
                    .contains("o1 saw b leading with term 7 at +5.000ms"));
        }

        @Test
        void observerSeeingTermsGoBackwards() {
            CheckResult r = CHECKER.check(List.of(new Leadership("a", 1, ms(0), ms(10)),
                    Leadership.open("b", 2, ms(12))),
                    List.of(Sighting.of("o1", "b", 2, ms(13)), Sighting.of("o1", "a", 1, ms(14))));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .isEqualTo("an observer saw the term go backwards (ELE-4): o1 saw b leading with term 2 at"
                            + " +13.000ms, then o1 saw a leading with term 1 at +14.000ms"));
        }
    }

    @Test
    void rejectsMalformedInput() {
        assertThatThrownBy(() -> new Leadership("a", 1, ms(5), ms(4))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CHECKER.withTolerance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
