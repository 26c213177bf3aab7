package io.coordkit.tck.check;

import static io.coordkit.tck.check.LinearizabilityChecker.ABSENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordkit.tck.check.LinearizabilityChecker.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearizabilityCheckerTest {

    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker();

    /** @return milliseconds as nanoseconds, the unit of every time */
    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    private static CheckResult check(Op... ops) {
        return CHECKER.check(List.of(ops));
    }

    @Nested
    class Accepts {

        @Test
        void emptyHistory() {
            assertThat(check().isOk()).isTrue();
        }

        @Test
        void sequentialWritesAndReadsWithGapsInVersions() {
            CheckResult r = check(
                    Op.getNotFound("c1", ms(0), ms(1)),
                    Op.put("c1", "a", ms(2), ms(3), 17),
                    Op.get("c2", ms(4), ms(5), "a", 17),
                    Op.cas("c2", 17, "b", ms(6), ms(7), 40),
                    Op.casConflict("c1", 17, "c", ms(8), ms(9)),
                    Op.get("c1", ms(10), ms(11), "b", 40),
                    Op.delete("c2", ms(12), ms(13), true),
                    Op.delete("c1", ms(14), ms(15), false),
                    Op.getNotFound("c1", ms(16), ms(17)),
                    Op.cas("c2", ABSENT, "d", ms(18), ms(19), 41));
            r.assertOk();
            assertThat(r.measurement("linearized")).hasValue(10);
        }

        @Test
        void readConcurrentWithWriteMaySeeEitherState() {
            Op write = Op.put("c1", "new", ms(10), ms(30), 2);
            Op before = Op.put("c0", "old", ms(0), ms(5), 1);
            check(before, write, Op.get("c2", ms(12), ms(20), "old", 1)).assertOk();
            check(before, write, Op.get("c2", ms(12), ms(20), "new", 2)).assertOk();
        }

        @Test
        void realTimeOrderDiffersFromInvocationOrder() {
            // c2's write is invoked later but may be linearized first; the reads pin down the order b, a.
            check(Op.put("c1", "a", ms(0), ms(50), 5),
                    Op.put("c2", "b", ms(10), ms(20), 3),
                    Op.get("c3", ms(21), ms(22), "b", 3),
                    Op.get("c3", ms(51), ms(52), "a", 5)).assertOk();
        }

        @Test
        void operationInvokedWhenAnotherReturnsCountsAsConcurrent() {
            check(Op.put("c1", "a", ms(0), ms(10), 1),
                    Op.get("c2", ms(10), ms(12), "a", 1),
                    Op.put("c3", "b", ms(10), ms(11), 2)).assertOk();
        }

        @Test
        void unknownPutThatTookEffectLaterAndRevealsItsVersion() {
            check(Op.put("c1", "a", ms(0), ms(1), 1),
                    Op.putUnknown("c2", "b", ms(2)),
                    Op.get("c1", ms(5), ms(6), "a", 1),
                    Op.get("c1", ms(100), ms(101), "b", 9),
                    Op.cas("c3", 9, "c", ms(102), ms(103), 10)).assertOk();
        }

        @Test
        void unknownWritesThatNeverTookEffect() {
            check(Op.put("c1", "a", ms(0), ms(1), 1),
                    Op.putUnknown("c2", "b", ms(2)),
                    Op.casUnknown("c3", 1, "c", ms(3)),
                    Op.deleteUnknown("c4", ms(4)),
                    Op.get("c1", ms(50), ms(51), "a", 1)).assertOk();
        }

        @Test
        void unknownDeleteThatTookEffect() {
            check(Op.put("c1", "a", ms(0), ms(1), 1),
                    Op.deleteUnknown("c2", ms(2)),
                    Op.getNotFound("c1", ms(50), ms(51)),
                    Op.cas("c1", ABSENT, "b", ms(52), ms(53), 2)).assertOk();
        }

        @Test
        void unknownCompareAndSetThatTookEffect() {
            check(Op.put("c1", "a", ms(0), ms(1), 4),
                    Op.casUnknown("c2", 4, "b", ms(2)),
                    Op.get("c1", ms(50), ms(51), "b", 6)).assertOk();
        }

        @Test
        void compareAndSetOnAnUnknownVersionBindsIt() {
            // The unknown put's version is revealed by the successful compare-and-set that expected it.
            check(Op.put("c1", "a", ms(0), ms(1), 1),
                    Op.putUnknown("c2", "b", ms(2)),
                    Op.cas("c1", 7, "c", ms(50), ms(51), 8),
                    Op.get("c1", ms(52), ms(53), "c", 8)).assertOk();
        }

        @Test
        void unknownGetsAreIgnored() {
            Op lostRead = new Op("c2", LinearizabilityChecker.Type.GET, null, -1,
                    LinearizabilityChecker.Outcome.UNKNOWN, -1, ms(0), LinearizabilityChecker.NEVER);
            CheckResult r = check(Op.put("c1", "a", ms(0), ms(1), 1), lostRead);
            r.assertOk();
            assertThat(r.measurement("unknownOutcome")).hasValue(1);
        }

        @Test
        void initialValue() {
            new LinearizabilityChecker().withInitialValue("seed", 3)
                    .check(List.of(Op.get("c1", ms(0), ms(1), "seed", 3), Op.cas("c1", 3, "x", ms(2), ms(3), 4)))
                    .assertOk();
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
        void generatedHistoriesOfThreeHundredOperations(long seed) {
            List<Op> ops = RegisterHistories.generate(seed, 300, 5, 0.0);
            CheckResult r = CHECKER.check(ops);
            assertThat(r.isOk()).as("%s", r).isTrue();
            assertThat(r.measurement("linearized")).hasValue(300);
        }

        @ParameterizedTest(name = "seed {0}")
        @ValueSource(longs = {101, 102, 103, 104, 105, 106, 107, 108, 109, 110})
        void generatedHistoriesWithUnknownOutcomes(long seed) {
            List<Op> ops = RegisterHistories.generate(seed, 300, 5, 0.02);
            CheckResult r = CHECKER.check(ops);
            assertThat(r.isOk()).as("%s", r).isTrue();
            assertThat(r.measurement("unknownOutcome").getAsLong()).isPositive();
        }

        @Test
        void manyRandomSmallHistories() {
            for (long seed = 1000; seed < 1500; seed++) {
                List<Op> ops = RegisterHistories.generate(seed, 30, 4, 0.1);
                CheckResult r = CHECKER.check(ops);
                assertThat(r.isOk()).as("seed %d: %s", seed, r).isTrue();
            }
        }
    }

    @Nested
    class Rejects {

        @Test
        void staleReadAfterCompletedWrite() {
            CheckResult r = check(
                    Op.put("c1", "a", ms(0), ms(10), 1),
                    Op.put("c1", "b", ms(20), ms(30), 2),
                    Op.get("c2", ms(40), ms(50), "a", 1));
            assertThat(r.isOk()).isFalse();
            assertThat(r.violatedRules()).containsExactly("CFG-10");
            String message = r.violations().get(0).message();
            assertThat(message)
                    .contains("longest linearizable prefix places 2")
                    .contains("c2 get -> 'a' @1 [+40.000ms .. +50.000ms]")
                    .contains("returned before it could be placed: the register holds 'b' @2.")
                    .contains("1 of 3 operations could not be placed");
        }

        @Test
        void lostUpdateTwoSuccessfulCompareAndSetsFromOneVersion() {
            CheckResult r = check(
                    Op.put("c0", "a", ms(0), ms(1), 1),
                    Op.cas("c1", 1, "b", ms(10), ms(20), 2),
                    Op.cas("c2", 1, "c", ms(12), ms(22), 3));
            assertThat(r.isOk()).isFalse();
            assertThat(r.violations().get(0).message()).contains("c2 cas(@1 -> 'c') -> @3")
                    .contains("the register holds 'b' @2");
        }

        @Test
        void readOfAValueNeverWritten() {
            CheckResult r = check(
                    Op.put("c1", "a", ms(0), ms(1), 1),
                    Op.get("c2", ms(0), ms(5), "zzz", 1));
            assertThat(r.isOk()).isFalse();
            assertThat(r.toString()).contains("CFG-10").contains("'zzz'");
        }

        @Test
        void readOfAValueBeforeItsWriteWasCalled() {
            assertThat(check(Op.get("c2", ms(0), ms(5), "a", 1), Op.put("c1", "a", ms(6), ms(7), 1)).isOk())
                    .isFalse();
        }

        @Test
        void versionThatDoesNotIncrease() {
            assertThat(check(Op.put("c1", "a", ms(0), ms(1), 5), Op.put("c1", "b", ms(2), ms(3), 5)).isOk())
                    .isFalse();
            assertThat(check(Op.put("c1", "a", ms(0), ms(1), 5), Op.put("c1", "b", ms(2), ms(3), 4)).isOk())
                    .isFalse();
        }

        @Test
        void versionReusedAfterDeleteAndRecreate() {
            assertThat(check(Op.put("c1", "a", ms(0), ms(1), 5), Op.delete("c1", ms(2), ms(3), true),
                    Op.put("c1", "b", ms(4), ms(5), 5)).isOk()).isFalse();
        }

        @Test
        void conflictThatShouldHaveSucceeded() {
            CheckResult r = check(Op.put("c1", "a", ms(0), ms(1), 1), Op.casConflict("c2", 1, "b", ms(2), ms(3)));
            assertThat(r.isOk()).isFalse();
            assertThat(r.violations().get(0).message()).contains("would have succeeded");
        }

        @Test
        void putIfAbsentThatSucceedsOnAPresentValue() {
            assertThat(check(Op.put("c1", "a", ms(0), ms(1), 1), Op.cas("c2", ABSENT, "b", ms(2), ms(3), 2))
                    .isOk()).isFalse();
        }

        @Test
        void deleteThatFoundAValueOnAnEmptyRegister() {
            assertThat(check(Op.delete("c1", ms(0), ms(1), true)).isOk()).isFalse();
            assertThat(check(Op.put("c1", "a", ms(0), ms(1), 1), Op.delete("c1", ms(2), ms(3), false)).isOk())
                    .isFalse();
        }

        @Test
        void readOfDeletedValue() {
            assertThat(check(Op.put("c1", "a", ms(0), ms(1), 1), Op.delete("c1", ms(2), ms(3), true),
                    Op.get("c2", ms(4), ms(5), "a", 1)).isOk()).isFalse();
        }

        @Test
        void readsThatGoBackInTime() {
            // Both writes are concurrent with both reads, but once c2 saw b, c3 (called later) cannot see a again.
            assertThat(check(Op.put("c1", "a", ms(0), ms(100), 1),
                    Op.put("c4", "b", ms(0), ms(100), 2),
                    Op.get("c2", ms(10), ms(20), "b", 2),
                    Op.get("c3", ms(30), ms(40), "a", 1)).isOk()).isFalse();
        }

        @Test
        void unknownPutSeenBeforeItWasCalled() {
            assertThat(check(Op.get("c1", ms(0), ms(1), "b", 3), Op.putUnknown("c2", "b", ms(2))).isOk()).isFalse();
        }

        @Test
        void unknownVersionThatChangesWithoutAWrite() {
            // Once a read has revealed the unknown put's version as @7, a later read cannot see @9.
            assertThat(check(Op.put("c1", "a", ms(0), ms(1), 1),
                    Op.putUnknown("c2", "b", ms(2)),
                    Op.get("c1", ms(10), ms(11), "b", 7),
                    Op.get("c1", ms(12), ms(13), "b", 9)).isOk()).isFalse();
        }

        @Test
        void unknownCompareAndSetFromTheWrongVersion() {
            assertThat(check(Op.put("c1", "a", ms(0), ms(1), 4),
                    Op.casUnknown("c2", 3, "b", ms(2)),
                    Op.get("c1", ms(50), ms(51), "b", 6)).isOk()).isFalse();
        }

        @Test
        void firstOperationImpossible() {
            CheckResult r = check(Op.get("c1", ms(0), ms(1), "a", 1));
            assertThat(r.violations().get(0).message()).contains("Not even a first operation can be placed")
                    .contains("the register holds nothing");
        }

        @Test
        void mutatedGeneratedHistories() {
            Random rnd = new Random(42);
            int phantom = 0;
            int stale = 0;
            int reused = 0;
            for (long seed = 1; seed <= 30; seed++) {
                List<Op> ops = RegisterHistories.generate(seed, 300, 5, 0.02);
                phantom += assertRejected(RegisterHistories.withPhantomRead(ops, rnd), "phantom read", seed);
                stale += assertRejected(RegisterHistories.withStaleRead(ops, rnd), "stale read", seed);
                reused += assertRejected(RegisterHistories.withReusedVersion(ops, rnd), "reused version", seed);
            }
            assertThat(phantom).isEqualTo(30);
            assertThat(stale).isGreaterThan(25);
            assertThat(reused).isEqualTo(30);
        }

        @Test
        void manyRandomSmallMutatedHistories() {
            Random rnd = new Random(7);
            int rejected = 0;
            for (long seed = 2000; seed < 2300; seed++) {
                List<Op> ops = RegisterHistories.generate(seed, 30, 4, 0.1);
                rejected += assertRejected(RegisterHistories.withStaleRead(ops, rnd), "stale read", seed);
                rejected += assertRejected(RegisterHistories.withReusedVersion(ops, rnd), "reused version", seed);
            }
            assertThat(rejected).isGreaterThan(300);
        }

        private int assertRejected(List<Op> mutated, String mutation, long seed) {
            if (mutated == null) {
                return 0;
            }
            CheckResult r = CHECKER.check(mutated);
            assertThat(r.isOk()).as("%s, seed %d, must be rejected", mutation, seed).isFalse();
            assertThat(r.violations()).singleElement()
                    .satisfies(v -> assertThat(v.message()).contains("not linearizable"));
            return 1;
        }
    }

    @Test
    void timeoutIsReportedAsUndecided() {
        // Many writes whose outcome is unknown and reads that fit no order: the search space explodes.
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            ops.add(Op.putUnknown("w" + i, "v" + i, ms(0)));
        }
        for (int i = 0; i < 40; i++) {
            ops.add(Op.get("r", ms(10 + 2L * i), ms(11 + 2L * i), "v" + (i % 24), 1000 - i));
        }
        CheckResult r = new LinearizabilityChecker().withTimeout(Duration.ofMillis(200)).check(ops);
        assertThat(r.isOk()).isFalse();
        assertThat(r.violations().get(0).message()).satisfiesAnyOf(
                m -> assertThat(m).contains("gave up after 200.000ms"),
                m -> assertThat(m).contains("not linearizable"));
    }

    @Test
    void rejectsMalformedOperations() {
        assertThatThrownBy(() -> Op.put("c", "a", ms(2), ms(1), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("completedAt");
        assertThatThrownBy(() -> Op.put("c", "a", ms(0), ms(1), -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> Op.cas("c", -2, "a", ms(0), ms(1), 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expectedVersion");
        assertThatThrownBy(() -> new Op("c", LinearizabilityChecker.Type.PUT, "a", -1,
                LinearizabilityChecker.Outcome.CONFLICT, -1, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot end CONFLICT");
        assertThatThrownBy(() -> new LinearizabilityChecker().withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
