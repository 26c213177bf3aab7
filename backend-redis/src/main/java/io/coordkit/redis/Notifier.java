package io.coordkit.redis;

import io.coordkit.Subscription;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wakes up whoever waits for a change: lock waiters, config watches, registry watches, candidates and observers.
 * Scripts {@code PUBLISH} on a channel of the object they changed; every subscriber of that channel re-reads the
 * object. Pub/sub is fire-and-forget (a message sent while the subscriber is disconnected is lost), so every
 * subscriber is also re-checked on a timer (the re-check period, part of the bound B) and after every
 * (re)subscription: a lost message delays a waiter by at most one period, never forever. Expiries (a session key
 * that Redis removed) publish nothing; they are found by the same re-checks.
 */
final class Notifier implements AutoCloseable {

    private final Link link;
    private final Map<String, Set<Rechecker>> subscribers = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> timer;
    private StatefulRedisPubSubConnection<String, byte[]> connection;
    private boolean connecting;
    private boolean closed;

    Notifier(Link link, ScheduledExecutorService scheduler, Duration recheck) {
        this.link = link;
        long period = recheck.toMillis();
        this.timer = scheduler.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * @param channel the channel
     * @param checker what to run on a message, on the timer and after a reconnect; triggered once at once
     * @return ends the subscription
     */
    Subscription subscribe(String channel, Rechecker checker) {
        Set<Rechecker> set = subscribers.computeIfAbsent(channel, k -> ConcurrentHashMap.newKeySet());
        boolean first = set.isEmpty();
        set.add(checker);
        StatefulRedisPubSubConnection<String, byte[]> c = current();
        if (c != null && first) {
            c.async().subscribe(channel).thenRun(checker::trigger);
        }
        ensureConnected();
        checker.trigger();
        return () -> {
            checker.stop();
            Set<Rechecker> s = subscribers.get(channel);
            if (s != null) {
                s.remove(checker);
                if (s.isEmpty()) {
                    subscribers.remove(channel, s);
                    StatefulRedisPubSubConnection<String, byte[]> now = current();
                    if (now != null && now.isOpen() && !subscribers.containsKey(channel)) {
                        now.async().unsubscribe(channel);
                    }
                }
            }
        };
    }

    private synchronized StatefulRedisPubSubConnection<String, byte[]> current() {
        return connection;
    }

    private void tick() {
        ensureConnected();
        subscribers.values().forEach(s -> s.forEach(Rechecker::trigger));
    }

    /** Drops the pub/sub connection (the master may have changed); the next tick opens another. */
    synchronized void reset() {
        if (connection != null) {
            connection.closeAsync();
            connection = null;
        }
    }

    private void ensureConnected() {
        synchronized (this) {
            if (closed || connecting || (connection != null && connection.isOpen()) || subscribers.isEmpty()) {
                return;
            }
            connecting = true;
        }
        link.pubSub().whenComplete((c, e) -> {
            boolean keep;
            synchronized (this) {
                connecting = false;
                keep = c != null && !closed;
                if (keep) {
                    if (connection != null) {
                        connection.closeAsync();
                    }
                    connection = c;
                }
            }
            if (c == null) {
                return;
            }
            if (!keep) {
                c.closeAsync();
                return;
            }
            c.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    Set<Rechecker> s = subscribers.get(channel);
                    if (s != null) {
                        String m = new String(message, java.nio.charset.StandardCharsets.UTF_8);
                        s.forEach(r -> r.message(m));
                    }
                }
            });
            String[] channels = subscribers.keySet().toArray(new String[0]);
            if (channels.length > 0) {
                c.async().subscribe(channels).thenRun(this::triggerAll);
            }
        });
    }

    private void triggerAll() {
        subscribers.values().forEach(s -> s.forEach(Rechecker::trigger));
    }

    /** Stops; the pub/sub connection is closed with the client ({@link Link#close()}). */
    @Override
    public void close() {
        timer.cancel(false);
        synchronized (this) {
            closed = true;
            connection = null;
        }
        subscribers.values().forEach(s -> s.forEach(Rechecker::stop));
        subscribers.clear();
    }
}
