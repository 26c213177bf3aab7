package io.coordkit.cli.demo;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo's event log: what a scenario's waits find, and how a wait that runs out is reported. */
class EventLogTest {

    @Test
    void awaitFindsAnEarlierEventAndWaitsForALaterOne() throws Exception {
        EventLog log = new EventLog();
        log.add("a", "READY", List.of("a"));
        assertThat(log.await(e -> e.is("a", "READY"), Duration.ZERO, "a ready").field(0)).isEqualTo("a");

        CompletableFuture<EventLog.Event> later = CompletableFuture.supplyAsync(() -> {
            try {
                return log.await(e -> e.type().equals("WROTE") && e.number(1) == 7, Duration.ofSeconds(20), "w");
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        log.add("b", "WROTE", List.of("b", "6", "1"));
        log.add("c", "WROTE", List.of("c", "7", "2"));
        assertThat(later.get(20, TimeUnit.SECONDS).actor()).isEqualTo("c");
        assertThat(log.all(e -> e.type().equals("WROTE"))).extracting(EventLog.Event::actor).containsExactly("b", "c");
    }

    @Test
    void aWaitThatRunsOutSaysWhatDidNotHappen() {
        EventLog log = new EventLog();
        log.add("a", "READY", List.of("a"));
        assertThatThrownBy(() -> log.await(e -> e.is("a", "DONE"), Duration.ofMillis(200), "worker a finishing"))
                .isInstanceOf(DemoFailure.class)
                .hasMessage("worker a finishing did not happen within 0.20s");
    }
}
