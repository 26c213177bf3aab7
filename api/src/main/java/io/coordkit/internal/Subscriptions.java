package io.coordkit.internal;

import io.coordkit.Subscription;
import io.coordkit.spi.SerialExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The backend subscriptions (watches) of one coordinator: delivers their events to the application one at a time,
 * in order, on a coordkit thread (SPI-7), never after the subscription or the coordinator was closed, and cancels
 * what is still open when the coordinator closes. Internal.
 */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final Set<Subscription> open = ConcurrentHashMap.newKeySet();
    private final Function<String, SerialExecutor> serial;
    private volatile boolean closed;

    /** @param serial makes the serial executor of each subscription, named for logs */
    Subscriptions(Function<String, SerialExecutor> serial) {
        this.serial = serial;
    }

    /**
     * Opens a backend subscription whose events reach {@code listener} one at a time, in order, and never after
     * the returned subscription (or the coordinator) was closed, even if they were queued before.
     *
     * @param what     names the subscription in logs
     * @param opener   opens the backend subscription with the sink to report events to
     * @param listener the application's listener
     * @param <E>      the event type
     * @return the subscription to give the application
     */
    <E> Subscription subscribe(String what, Function<Consumer<E>, Subscription> opener, Consumer<E> listener) {
        SerialExecutor delivery = serial.apply(what);
        AtomicBoolean active = new AtomicBoolean(true);
        Subscription backendSubscription = opener.apply(event -> delivery.execute(() -> {
            if (active.get()) {
                listener.accept(event);
            }
        }));
        return track(() -> {
            active.set(false);
            backendSubscription.close();
        });
    }

    /**
     * Keeps a backend subscription so that {@link #closeAll()} cancels it; if everything was closed already, it is
     * closed at once.
     *
     * @param backendSubscription the subscription
     * @return one that also forgets it; closing it twice closes the backend's once
     */
    Subscription track(Subscription backendSubscription) {
        open.add(backendSubscription);
        AtomicBoolean done = new AtomicBoolean();
        Subscription s = () -> {
            if (done.compareAndSet(false, true)) {
                open.remove(backendSubscription);
                closeQuietly(backendSubscription);
            }
        };
        if (closed) {
            s.close();
        }
        return s;
    }

    /** Closes every subscription still open; any tracked later is closed at once. */
    void closeAll() {
        closed = true;
        for (Subscription s : new ArrayList<>(open)) {
            closeQuietly(s);
        }
        open.clear();
    }

    /** @return how many subscriptions are open (logged when the coordinator closes) */
    int size() {
        return open.size();
    }

    static void closeQuietly(Subscription s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.warn("closing a subscription failed", e);
        }
    }
}
