package io.coordkit.internal;

import io.coordkit.Subscription;
import io.coordkit.spi.SerialExecutor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** Subscriptions alone: delivery until closed, cancellation on close. */
class SubscriptionsTest {

    private final List<Runnable> queued = new CopyOnWriteArrayList<>();
    /** Tasks wait in {@link #queued} until the test runs them, as a busy notification pool would keep them. */
    private final Subscriptions subscriptions = new Subscriptions(name -> new SerialExecutor(queued::add, name));

    private void runQueued() {
        while (!queued.isEmpty()) {
            queued.remove(0).run();
        }
    }

    @Test
    void eventsQueuedBeforeCloseAreNotDelivered() {
        AtomicReference<Consumer<String>> sink = new AtomicReference<>();
        AtomicInteger backendCloses = new AtomicInteger();
        List<String> got = new CopyOnWriteArrayList<>();
        Subscription s = subscriptions.subscribe("watch", (Consumer<String> events) -> {
            sink.set(events);
            return backendCloses::incrementAndGet;
        }, got::add);
        sink.get().accept("a");
        runQueued();
        sink.get().accept("b");
        s.close();
        s.close();
        runQueued();
        assertThat(got).containsExactly("a");
        assertThat(backendCloses).as("the backend's subscription is closed once").hasValue(1);
        assertThat(subscriptions.size()).isZero();
    }

    @Test
    void closeAllCancelsWhatIsOpenAndWhatComesLater() {
        AtomicInteger backendCloses = new AtomicInteger();
        subscriptions.track(backendCloses::incrementAndGet);
        subscriptions.track(() -> {
            throw new IllegalStateException("a backend bug");
        });
        subscriptions.closeAll();
        assertThat(backendCloses).hasValue(1);
        assertThat(subscriptions.size()).isZero();
        subscriptions.track(backendCloses::incrementAndGet);
        assertThat(backendCloses).as("tracked after close: closed at once").hasValue(2);
    }
}
