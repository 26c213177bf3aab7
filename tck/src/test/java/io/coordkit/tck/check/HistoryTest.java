package io.coordkit.tck.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordkit.tck.check.LinearizabilityChecker.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryTest {

    @Test
    void appendsFromManyThreadsWithoutLoss() throws InterruptedException {
        History<String> history = new History<>("test");
        int threads = 6;
        int each = 5_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    history.add(id + ":" + i);
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        List<String> events = history.snapshot();
        assertThat(events).hasSize(threads * each);
        Set<String> distinct = new HashSet<>(events);
        assertThat(distinct).hasSize(threads * each);
        // Each thread's own events keep their order.
        int[] next = new int[threads];
        for (String e : events) {
            int thread = Integer.parseInt(e.substring(0, e.indexOf(':')));
            assertThat(Integer.parseInt(e.substring(e.indexOf(':') + 1))).isEqualTo(next[thread]++);
        }
    }

    @Test
    void snapshotIsAnImmutableCopy() {
        History<String> history = new History<>("test");
        history.add("a");
        List<String> snapshot = history.snapshot();
        history.add("b");
        assertThat(snapshot).containsExactly("a");
        assertThat(history.size()).isEqualTo(2);
        assertThatThrownBy(() -> snapshot.add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> history.add(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void compactToStringWithRelativeTimes() {
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        History<Op> history = new History<>("register app/k", clock::get);
        for (int i = 0; i < 12; i++) {
            long invoked = history.now();
            clock.addAndGet(1_000_000);
            history.add(Op.put("c" + (i % 3), "v" + i, invoked, history.now(), i));
        }
        assertThat(history.toString()).isEqualTo("register app/k [12 events: "
                + "c0 put('v0') -> @0 [+0.000ms .. +1.000ms], c1 put('v1') -> @1 [+1.000ms .. +2.000ms], "
                + "c2 put('v2') -> @2 [+2.000ms .. +3.000ms], c0 put('v3') -> @3 [+3.000ms .. +4.000ms], "
                + "c1 put('v4') -> @4 [+4.000ms .. +5.000ms], ..., "
                + "c1 put('v7') -> @7 [+7.000ms .. +8.000ms], c2 put('v8') -> @8 [+8.000ms .. +9.000ms], "
                + "c0 put('v9') -> @9 [+9.000ms .. +10.000ms], c1 put('v10') -> @10 [+10.000ms .. +11.000ms], "
                + "c2 put('v11') -> @11 [+11.000ms .. +12.000ms]]");
        assertThat(new History<String>("empty").toString()).isEqualTo("empty [0 events]");
        History<String> plain = new History<>("plain");
        plain.add("x");
        assertThat(plain.toString()).isEqualTo("plain [1 event: x]");
    }
}
