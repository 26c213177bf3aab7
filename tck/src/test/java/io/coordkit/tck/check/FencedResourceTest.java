package io.coordkit.tck.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FencedResourceTest {

    @Test
    void acceptsGreaterAndEqualTokensOfTheSameWriter() {
        FencedResource r = new FencedResource("store");
        assertThat(r.value()).isEmpty();
        assertThat(r.highestToken()).isEmpty();
        assertThat(r.write("c1", 3, "a").accepted()).isTrue();
        assertThat(r.write("c1", 3, "b").accepted()).isTrue();
        assertThat(r.write("c2", 4, "c").accepted()).isTrue();
        assertThat(r.value()).hasValue("c");
        assertThat(r.highestToken()).hasValue(4);
        assertThat(r.refused()).isEmpty();
    }

    @Test
    void refusesThePausedHoldersLateWrite() {
        AtomicLong clock = new AtomicLong();
        FencedResource r = new FencedResource("store", clock::get);
        r.write("c1", 3, "a");
        clock.set(5_000_000);
        r.write("c2", 4, "b");
        clock.set(9_000_000);
        FencedResource.Write late = r.write("c1", 3, "late");
        assertThat(late.accepted()).isFalse();
        assertThat(late.reason()).isEqualTo("token 3 is lower than token 4 already used by c2");
        assertThat(late.describe(0)).isEqualTo("c1 wrote 'late' with token 3 at +9.000ms: refused, token 3 is lower"
                + " than token 4 already used by c2");
        assertThat(r.value()).hasValue("b");
        assertThat(r.accepted()).extracting(FencedResource.Write::value).containsExactly("a", "b");
        assertThat(r.refused()).containsExactly(late);
    }

    @Test
    void refusesANewWriterWithTheHighestToken() {
        FencedResource r = new FencedResource("store");
        r.write("c1", 3, "a");
        FencedResource.Write w = r.write("c2", 3, "b");
        assertThat(w.accepted()).isFalse();
        assertThat(w.reason()).isEqualTo("token 3 was already used by c1");
        assertThat(r.toString()).contains("value 'a', highest token 3 by c1").contains("refused");
    }

    @Test
    void threadSafeUnderContention() throws InterruptedException {
        FencedResource r = new FencedResource("store");
        int threads = 4;
        int writes = 2_000;
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
                for (int i = 0; i < writes; i++) {
                    r.write("w" + id, i * threads + id, "v");
                }
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(r.writes()).hasSize(threads * writes);
        long previous = Long.MIN_VALUE;
        for (FencedResource.Write w : r.accepted()) {
            assertThat(w.token()).isGreaterThan(previous);
            previous = w.token();
        }
        assertThat(r.highestToken()).hasValue((long) (writes - 1) * threads + threads - 1);
    }
}
