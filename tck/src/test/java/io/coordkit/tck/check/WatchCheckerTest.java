package io.coordkit.tck.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordkit.tck.check.WatchChecker.Entry;
import io.coordkit.tck.check.WatchChecker.Event;
import io.coordkit.tck.check.WatchChecker.Write;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WatchCheckerTest {

    private static final WatchChecker CHECKER = new WatchChecker();
    private static final WatchChecker EVERY_VERSION = new WatchChecker().requireEveryVersion();

    private static long ms(long millis) {
        return millis * 1_000_000;
    }

    private static Event resync(long at, Object... keyValueVersion) {
        Map<String, Entry> snapshot = new java.util.HashMap<>();
        for (int i = 0; i < keyValueVersion.length; i += 3) {
            snapshot.put((String) keyValueVersion[i],
                    new Entry((String) keyValueVersion[i + 1], ((Number) keyValueVersion[i + 2]).longValue()));
        }
        return Event.resync("app", snapshot, ms(at));
    }

    private static Event put(String key, String value, long version, long at) {
        return Event.put(key, value, version, ms(at));
    }

    @Nested
    class Accepts {

        @Test
        void everyChangeInOrder() {
            CheckResult r = EVERY_VERSION.check(
                    List.of(resync(0, "app/a", "x", 1), put("app/a", "y", 2, 10), put("app/b", "z", 7, 11),
                            Event.delete("app/a", 8, ms(12))),
                    List.of(Write.put("app/a", "x", 1), Write.put("app/a", "y", 2), Write.put("app/b", "z", 7),
                            Write.delete("app/a")),
                    Map.of("app/b", new Entry("z", 7)));
            r.assertOk();
            assertThat(r.measurements()).containsEntry("events", 4L).containsEntry("resyncs", 1L)
                    .containsEntry("puts", 2L).containsEntry("deletes", 1L).containsEntry("skippedVersions", 0L)
                    .containsEntry("acknowledgedVersions", 3L);
        }

        @Test
        void coalescedVersionsAreCountedButAllowed() {
            CheckResult r = CHECKER.check(List.of(resync(0), put("app/k", "c", 3, 10)),
                    List.of(Write.put("app/k", "a", 1), Write.put("app/k", "b", 2), Write.put("app/k", "c", 3)),
                    Map.of("app/k", new Entry("c", 3)));
            r.assertOk();
            assertThat(r.measurement("skippedVersions")).hasValue(2);
        }

        @Test
        void deleteCarryingTheVersionOfTheDeletedState() {
            CHECKER.check(List.of(resync(0), put("app/k", "a", 5, 1), Event.delete("app/k", 5, ms(2))),
                    List.of(Write.put("app/k", "a", 5), Write.delete("app/k")), Map.of()).assertOk();
        }

        @Test
        void resyncCoversWhatWasMissedDuringADisconnect() {
            CheckResult r = EVERY_VERSION.check(
                    List.of(resync(0, "app/k", "a", 1), put("app/k", "b", 2, 1), resync(50, "app/k", "d", 4),
                            put("app/k", "e", 5, 51)),
                    List.of(Write.put("app/k", "a", 1), Write.put("app/k", "b", 2), Write.put("app/k", "c", 3),
                            Write.put("app/k", "d", 4), Write.put("app/k", "e", 5)),
                    Map.of("app/k", new Entry("e", 5)));
            r.assertOk();
            assertThat(r.measurement("skippedVersions")).hasValue(0);
        }

        @Test
        void resyncRestatingTheCurrentState() {
            CHECKER.check(List.of(resync(0, "app/k", "a", 1), resync(10, "app/k", "a", 1)),
                    List.of(Write.put("app/k", "a", 1)), Map.of("app/k", new Entry("a", 1))).assertOk();
        }

        @Test
        void keyDeletedAndRecreatedDuringADisconnect() {
            EVERY_VERSION.check(
                    List.of(resync(0, "app/k", "a", 1), resync(50), put("app/k", "d", 9, 60)),
                    List.of(Write.put("app/k", "a", 1), Write.put("app/k", "b", 2), Write.delete("app/k"),
                            Write.put("app/k", "d", 9)),
                    Map.of("app/k", new Entry("d", 9))).assertOk();
        }

        @Test
        void writesBeforeTheWatchStartedAreCoveredByTheFirstResync() {
            EVERY_VERSION.check(List.of(resync(0, "app/k", "b", 2)),
                    List.of(Write.put("app/k", "a", 1), Write.put("app/k", "b", 2), Write.put("app/gone", "x", 1),
                            Write.delete("app/gone", 3)),
                    Map.of("app/k", new Entry("b", 2))).assertOk();
        }

        @Test
        void possiblyCommittedWriteSeen() {
            CHECKER.check(List.of(resync(0), put("app/k", "maybe", 9, 10)),
                    List.of(Write.maybePut("app/k", "maybe")), Map.of("app/k", new Entry("maybe", 9))).assertOk();
        }
    }

    @Nested
    class Rejects {

        @Test
        void firstEventIsNotAResync() {
            CheckResult r = CHECKER.check(List.of(put("app/k", "a", 1, 0)), List.of(Write.put("app/k", "a", 1)),
                    Map.of("app/k", new Entry("a", 1)));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.toString())
                    .isEqualTo("CFG-6: the first event is not a RESYNC: event #0 (PUT app/k='a' @1 received"
                            + " +0.000ms)"));
        }

        @Test
        void versionGoingBackwards() {
            CheckResult r = CHECKER.check(List.of(resync(0), put("app/k", "b", 5, 1), put("app/k", "a", 4, 2)),
                    List.of(Write.put("app/k", "a", 4), Write.put("app/k", "b", 5)),
                    Map.of("app/k", new Entry("b", 5)));
            assertThat(r.violatedRules()).containsExactly("CFG-6", "CFG-7");
            assertThat(r.violations().get(0).message()).isEqualTo("event #2 (PUT app/k='a' @4 received +2.000ms)"
                    + " goes backwards from event #1 (PUT app/k='b' @5 received +1.000ms)");
        }

        @Test
        void repeatedEvent() {
            CheckResult r = CHECKER.check(List.of(resync(0), put("app/k", "a", 5, 1), put("app/k", "a", 5, 2)),
                    List.of(Write.put("app/k", "a", 5)), Map.of("app/k", new Entry("a", 5)));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .contains("repeats a state already seen"));
        }

        @Test
        void repeatedDelete() {
            CheckResult r = CHECKER.check(List.of(resync(0), put("app/k", "a", 5, 1),
                    Event.delete("app/k", 5, ms(2)), Event.delete("app/k", 5, ms(3))),
                    List.of(Write.put("app/k", "a", 5), Write.delete("app/k")), Map.of());
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .contains("repeats a delete already seen"));
        }

        @Test
        void resyncWithAnOlderState() {
            CheckResult r = CHECKER.check(List.of(resync(0), put("app/k", "b", 5, 1), resync(2, "app/k", "a", 3)),
                    List.of(Write.put("app/k", "a", 3), Write.put("app/k", "b", 5)),
                    Map.of("app/k", new Entry("b", 5)));
            assertThat(r.violatedRules()).containsExactly("CFG-6", "CFG-7");
            assertThat(r.violations().get(0).message()).contains("shows app/k='a' @3, older than event #1");
        }

        @Test
        void resyncBringingBackADeletedState() {
            CheckResult r = CHECKER.check(List.of(resync(0), put("app/k", "a", 5, 1),
                    Event.delete("app/k", 5, ms(2)), resync(3, "app/k", "a", 5)),
                    List.of(Write.put("app/k", "a", 5), Write.delete("app/k")), Map.of());
            assertThat(r.violations().get(0).message()).contains("repeating the version of event #1");
        }

        @Test
        void putOfAValueNeverWritten() {
            CheckResult r = CHECKER.check(List.of(resync(0), put("app/k", "ghost", 2, 1)),
                    List.of(Write.put("app/k", "a", 1), Write.put("app/k", "b", 2)),
                    Map.of("app/k", new Entry("ghost", 2)));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.message())
                    .isEqualTo("event #1 (PUT app/k='ghost' @2 received +1.000ms): it matches no acknowledged or"
                            + " possibly committed write (writes of app/k: put app/k='a' @1, put app/k='b' @2)"));
        }

        @Test
        void putWithTheWrongVersion() {
            assertThat(CHECKER.check(List.of(resync(0), put("app/k", "a", 3, 1)),
                    List.of(Write.put("app/k", "a", 1)), Map.of("app/k", new Entry("a", 3))).violatedRules())
                    .containsExactly("CFG-6");
        }

        @Test
        void resyncEntryNeverWritten() {
            assertThat(CHECKER.check(List.of(resync(0, "app/k", "ghost", 1)), List.of(),
                    Map.of("app/k", new Entry("ghost", 1))).violations()).singleElement()
                    .satisfies(v -> assertThat(v.message()).contains("its entry app/k='ghost' @1 matches no")
                            .contains("no value was written to app/k"));
        }

        @Test
        void deleteNobodyMade() {
            assertThat(CHECKER.check(List.of(resync(0, "app/k", "a", 1), Event.delete("app/k", 2, ms(1))),
                    List.of(Write.put("app/k", "a", 1)), Map.of()).violations()).singleElement()
                    .satisfies(v -> assertThat(v.message()).contains("matches no delete of app/k"));
        }

        @Test
        void finalViewBehindTheStore() {
            CheckResult r = CHECKER.check(List.of(resync(0, "app/a", "x", 1, "app/b", "y", 2)),
                    List.of(Write.put("app/a", "x", 1), Write.put("app/b", "y", 2), Write.put("app/a", "x2", 3),
                            Write.delete("app/b"), Write.put("app/c", "z", 4)),
                    Map.of("app/a", new Entry("x2", 3), "app/c", new Entry("z", 4)));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.toString())
                    .isEqualTo("CFG-7: after 1 event the watcher's view differs from the store in 3 keys:"
                            + " app/a: watcher has 'x' @1, store has 'x2' @3, app/b: watcher has 'y' @2, store has"
                            + " none, app/c: watcher has none, store has 'z' @4"));
        }

        @Test
        void skippedVersionWhenEveryVersionIsRequired() {
            CheckResult r = EVERY_VERSION.check(List.of(resync(0, "app/k", "a", 1), put("app/k", "d", 4, 10)),
                    List.of(Write.put("app/k", "a", 1), Write.put("app/k", "b", 2), Write.put("app/k", "c", 3),
                            Write.put("app/k", "d", 4)),
                    Map.of("app/k", new Entry("d", 4)));
            assertThat(r.violations()).singleElement().satisfies(v -> assertThat(v.toString())
                    .isEqualTo("CFG-11: app/k: acknowledged versions @2, @3 never delivered: the watcher went from"
                            + " @1 to event #1 (PUT app/k='d' @4 received +10.000ms)"));
            assertThat(r.measurement("skippedVersions")).hasValue(2);
        }

        @Test
        void skippedCreationAndDeletionWhenEveryVersionIsRequired() {
            // app/t was created and deleted after the watch started; the watcher saw only a DELETE.
            CheckResult r = EVERY_VERSION.check(List.of(resync(0), Event.delete("app/t", 6, ms(5))),
                    List.of(Write.put("app/t", "a", 5), Write.delete("app/t", 6)), Map.of());
            assertThat(r.violatedRules()).containsExactly("CFG-11");
            assertThat(r.violations().get(0).message()).contains("version @5 never delivered: the watcher went"
                    + " from nothing to event #1");
        }

        @Test
        void versionsNeverDeliveredAfterTheLastEvent() {
            CheckResult r = EVERY_VERSION.check(List.of(resync(0, "app/k", "a", 1)),
                    List.of(Write.put("app/k", "a", 1), Write.put("app/k", "b", 2)),
                    Map.of("app/k", new Entry("b", 2)));
            assertThat(r.violatedRules()).containsExactly("CFG-11", "CFG-7");
            assertThat(r.violations()).anySatisfy(v -> assertThat(v.message())
                    .isEqualTo("app/k: acknowledged version @2 never delivered after event #0 (RESYNC 'app'"
                            + " {app/k='a' @1} received +0.000ms)"));
        }
    }

    @Test
    void rejectsMalformedEvents() {
        assertThatThrownBy(() -> Event.put("k", "v", -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Write("k", "v", -2, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Entry("v", -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
