package io.coordkit.tck.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordkit.tck.check.MutualExclusionChecker.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MutualExclusionCheckerTest {

    private static final MutualExclusionChecker CHECKER = new MutualExclusionChecker();

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    private static CheckResult check(Lease... leases) {
        return CHECKER.check(List.of(leases));
    }

    @Nested
    class Accepts {

        @Test
        void successiveHoldersWithIncreasingTokens() {
            CheckResult r = check(
                    Lease.exclusive("l", "c1", 1, ms(0), ms(1)).releasedAt(ms(10)),
                    Lease.exclusive("l", "c2", 2, ms(2), ms(11)).releasedAt(ms(20)),
                    Lease.exclusive("l", "c1", 7, ms(12), ms(21)));
            r.assertOk();
            assertThat(r.measurement("maxConcurrentHolders")).hasValue(1);
        }

        @Test
        void intervalsThatOnlyTouch() {
            check(Lease.exclusive("l", "c1", 1, ms(0), ms(1)).releasedAt(ms(10)),
                    Lease.exclusive("l", "c2", 2, ms(5), ms(10)).releasedAt(ms(20))).assertOk();
        }

        @Test
        void frozenHolderWhoseLeaseWasLost() {
            // c1 was frozen at +10ms; its lease expired and c2 acquired at +40ms. c1 learns of the loss at +60ms,
            // but the last time it knew its lease valid was the freeze.
            check(Lease.exclusive("l", "c1", 1, ms(0), ms(1)).lostAt(ms(10)),
                    Lease.exclusive("l", "c2", 2, ms(5), ms(40)).releasedAt(ms(70))).assertOk();
        }

        @Test
        void differentNamesDoNotInterfere() {
            check(Lease.exclusive("a", "c1", 5, ms(0), ms(1)),
                    Lease.exclusive("b", "c2", 5, ms(0), ms(1))).assertOk();
        }

        @Test
        void concurrentAcquisitionsMayCompleteInEitherTokenOrder() {
            // c2 began acquiring before c1's acquisition completed, and they never held at once.
            check(Lease.exclusive("l", "c1", 9, ms(0), ms(5)).releasedAt(ms(6)),
                    Lease.exclusive("l", "c2", 3, ms(1), ms(2)).releasedAt(ms(4))).assertOk();
        }

        @Test
        void manyReadersAtOnceAndWritersAlone() {
            check(Lease.read("rw", "c1", 1, ms(0), ms(1)).releasedAt(ms(10)),
                    Lease.read("rw", "c2", 2, ms(2), ms(3)).releasedAt(ms(12)),
                    Lease.write("rw", "c3", 3, ms(4), ms(13)).releasedAt(ms(20)),
                    Lease.read("rw", "c1", 4, ms(15), ms(21))).assertOk();
        }

        @Test
        void semaphoreUpToItsPermits() {
            CheckResult r = check(
                    Lease.semaphore("s", "c1", 2, 1, ms(0), ms(1)).releasedAt(ms(10)),
                    Lease.semaphore("s", "c2", 2, 2, ms(0), ms(2)).releasedAt(ms(12)),
                    Lease.semaphore("s", "c3", 2, 3, ms(3), ms(10)).releasedAt(ms(20)),
                    Lease.semaphore("s", "c4", 2, 4, ms(11), ms(12)));
            r.assertOk();
            assertThat(r.measurement("maxConcurrentHolders")).hasValue(2);
        }

        @Test
        void randomSequentialLocking() {
            Random rnd = new Random(3);
            List<Lease> leases = new ArrayList<>();
            long t = 0;
            long token = 0;
            for (int i = 0; i < 500; i++) {
                long invoked = t - rnd.nextInt(5);
                long acquired = t + 1 + rnd.nextInt(3);
                t = acquired + 1 + rnd.nextInt(5);
                token += 1 + rnd.nextInt(4);
                leases.add(Lease.exclusive("l", "c" + rnd.nextInt(5), token, ms(invoked), ms(acquired))
                        .releasedAt(ms(t)));
            }
            CHECKER.check(leases).assertOk();
        }
    }

    @Nested
    class Rejects {

        @Test
        void twoExclusiveHoldersAtOnce() {
            CheckResult r = check(
                    Lease.exclusive("orders/42", "c1", 1, ms(0), ms(1)).releasedAt(ms(40)),
                    Lease.exclusive("orders/42", "c2", 2, ms(5), ms(28)).releasedAt(ms(55)));
            assertThat(r.violatedRules()).containsExactly("LCK-2");
            assertThat(r.violations().get(0).message()).isEqualTo("lock 'orders/42': two leases were valid at once"
                    + " for 12.000ms from +28.000ms: c1's lease (token 1, acquire called +0.000ms, acquired +1.000ms,"
                    + " released +40.000ms) and c2's lease (token 2, acquire called +5.000ms, acquired +28.000ms,"
                    + " released +55.000ms)");
        }

        @Test
        void sameClientTwiceIsStillTwoLeases() {
            assertThat(check(Lease.exclusive("l", "c1", 1, ms(0), ms(1)),
                    Lease.exclusive("l", "c1", 2, ms(2), ms(3))).violatedRules()).containsExactly("LCK-2");
        }

        @Test
        void leasesStillHeldAtTheEnd() {
            CheckResult r = check(Lease.exclusive("l", "c1", 1, ms(0), ms(1)),
                    Lease.exclusive("l", "c2", 2, ms(2), ms(3)));
            assertThat(r.violations().get(0).message()).contains("for the rest of the history from +3.000ms")
                    .contains("still held");
        }

        @Test
        void lostLeaseStillKnownValidWhenTheNextHolderAcquired() {
            CheckResult r = check(Lease.exclusive("l", "c1", 1, ms(0), ms(1)).lostAt(ms(50)),
                    Lease.exclusive("l", "c2", 2, ms(5), ms(40)).releasedAt(ms(70)));
            assertThat(r.violatedRules()).containsExactly("LCK-2");
            assertThat(r.violations().get(0).message()).contains("lost, last known valid +50.000ms")
                    .contains("for 10.000ms from +40.000ms");
        }

        @Test
        void writeOverlappingARead() {
            CheckResult r = check(Lease.read("rw", "c1", 1, ms(0), ms(1)).releasedAt(ms(10)),
                    Lease.write("rw", "c2", 2, ms(2), ms(5)).releasedAt(ms(12)));
            assertThat(r.violatedRules()).containsExactly("LCK-10");
            assertThat(r.violations().get(0).message()).startsWith("read-write lock 'rw': a write and a read lease");
        }

        @Test
        void twoWriters() {
            CheckResult r = check(Lease.write("rw", "c1", 1, ms(0), ms(1)).releasedAt(ms(10)),
                    Lease.write("rw", "c2", 2, ms(2), ms(5)).releasedAt(ms(12)));
            assertThat(r.violations().get(0).message()).startsWith("read-write lock 'rw': two write leases");
        }

        @Test
        void moreSemaphoreHoldersThanPermits() {
            CheckResult r = check(Lease.semaphore("s", "c1", 2, 1, ms(0), ms(1)).releasedAt(ms(10)),
                    Lease.semaphore("s", "c2", 2, 2, ms(0), ms(2)).releasedAt(ms(12)),
                    Lease.semaphore("s", "c3", 2, 3, ms(0), ms(5)).releasedAt(ms(20)));
            assertThat(r.violatedRules()).containsExactly("LCK-11");
            assertThat(r.violations().get(0).message()).startsWith("semaphore 's' has 2 permits but 3 leases were"
                    + " valid at once at +5.000ms: c1's permit").contains("c2's permit").contains("c3's permit");
            assertThat(r.measurement("maxConcurrentHolders")).hasValue(3);
        }

        @Test
        void tokenNotGreaterThanAnEarlierCompletedAcquisition() {
            CheckResult r = check(Lease.exclusive("l", "c1", 7, ms(0), ms(3)).releasedAt(ms(4)),
                    Lease.exclusive("l", "c2", 5, ms(4), ms(6)));
            assertThat(r.violatedRules()).containsExactly("LCK-4");
            assertThat(r.violations().get(0).message()).contains("token 5 of c2's lease")
                    .contains("is not greater than token 7 of c1's lease")
                    .contains("whose acquisition completed at +3.000ms, before c2 began acquiring at +4.000ms");
        }

        @Test
        void tokensOutOfHoldingOrder() {
            // c2 began acquiring before c1's acquisition completed, but got the lock only after c1 released it.
            CheckResult r = check(Lease.exclusive("l", "c1", 7, ms(0), ms(3)).releasedAt(ms(4)),
                    Lease.exclusive("l", "c2", 5, ms(1), ms(6)));
            assertThat(r.violatedRules()).containsExactly("LCK-4");
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .contains("which held the lock until +4.000ms, before c2 acquired at +6.000ms"));
        }

        @Test
        void equalTokensOfConcurrentReaders() {
            CheckResult r = check(Lease.read("rw", "c1", 3, ms(0), ms(2)),
                    Lease.read("rw", "c2", 3, ms(1), ms(3)));
            assertThat(r.violatedRules()).containsExactly("LCK-4");
            assertThat(r.violations().get(0).message()).contains("two leases carry the same token 3");
        }

        @Test
        void equalTokensOfSuccessiveHoldersAreReportedOnce() {
            CheckResult r = check(Lease.exclusive("l", "c1", 3, ms(0), ms(1)).releasedAt(ms(2)),
                    Lease.exclusive("l", "c2", 3, ms(3), ms(4)));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .contains("is not greater than token 3"));
        }

        @Test
        void readAfterWriteWithALowerToken() {
            assertThat(check(Lease.write("rw", "c1", 10, ms(0), ms(1)).releasedAt(ms(5)),
                    Lease.read("rw", "c2", 4, ms(2), ms(6))).violatedRules()).containsExactly("LCK-4");
        }

        @Test
        void semaphoreTokensFollowAcquisitionOrder() {
            assertThat(check(Lease.semaphore("s", "c1", 3, 10, ms(0), ms(1)),
                    Lease.semaphore("s", "c2", 3, 4, ms(2), ms(3))).violatedRules()).containsExactly("LCK-4");
        }

        @Test
        void oneOverlapHiddenInALongHistory() {
            Random rnd = new Random(5);
            List<Lease> leases = new ArrayList<>();
            long t = 0;
            for (int i = 0; i < 300; i++) {
                long acquired = t + 1;
                t = acquired + 1 + rnd.nextInt(5);
                leases.add(Lease.exclusive("l", "c" + rnd.nextInt(5), i, ms(acquired - 1), ms(acquired))
                        .releasedAt(ms(t)));
            }
            Lease victim = leases.get(150);
            leases.set(150, new Lease("l", victim.client(), MutualExclusionChecker.Kind.EXCLUSIVE, 1, 150,
                    victim.acquireInvokedAt(), victim.acquiredAt(), MutualExclusionChecker.End.RELEASED,
                    leases.get(151).acquiredAt() + ms(1)));
            CheckResult r = CHECKER.check(leases);
            assertThat(r.violations()).singleElement().satisfies(v -> {
                assertThat(v.rule()).isEqualTo("LCK-2");
                assertThat(v.message()).contains("for 1.000ms").contains("token 150").contains("token 151");
            });
        }
    }

    @Test
    void rejectsMalformedLeases() {
        assertThatThrownBy(() -> Lease.exclusive("l", "c", 1, ms(2), ms(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acquiredAt");
        assertThatThrownBy(() -> Lease.exclusive("l", "c", 1, ms(0), ms(2)).releasedAt(ms(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endAt");
        assertThatThrownBy(() -> Lease.semaphore("s", "c", 0, 1, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permits");
        assertThatThrownBy(() -> check(Lease.semaphore("s", "c1", 2, 1, 0, 1), Lease.semaphore("s", "c2", 3, 2, 0, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disagree on the permits");
    }
}
