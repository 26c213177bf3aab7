package io.coordkit.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * When the engine last confirmed the session, on the monotonic clock, and whether that is recent enough to trust
 * what is bound to the session (SES-8). The engine cannot expire a session earlier than one TTL after it last heard
 * from the client, and it heard no earlier than the send time of a request it answered; so while less than the
 * granted TTL has passed since the latest such send time, the session still lives on the engine. The answer is
 * computed at each call, not by a timer, so a process that resumes after a freeze sees it at its first check,
 * before any thread of its own has run. Internal.
 */
final class SessionClock {
    private final AtomicLong lastConfirmed;
    private final Supplier<Duration> ttl;
    private final LongSupplier nanoTime;

    /**
     * @param connectStarted when the connect that opened the session began; the session's creation counts as its
     *                       first confirmation
     * @param ttl            the TTL the engine granted, read at each check (a new session may be granted another)
     * @param nanoTime       the monotonic clock ({@code System::nanoTime} outside tests)
     */
    SessionClock(long connectStarted, Supplier<Duration> ttl, LongSupplier nanoTime) {
        this.lastConfirmed = new AtomicLong(connectStarted);
        this.ttl = ttl;
        this.nanoTime = nanoTime;
    }

    /** @param sentAtNanos the send time of a request the engine answered; older ones than the latest are ignored */
    void confirmed(long sentAtNanos) {
        lastConfirmed.accumulateAndGet(sentAtNanos, (a, b) -> b - a > 0 ? b : a);
    }

    /** @return true while less than the granted TTL has passed since the engine last confirmed the session */
    boolean trusted() {
        return nanoTime.getAsLong() - lastConfirmed.get() < ttl.get().toNanos();
    }

    /** @return the time since the last confirmation, for messages */
    Duration sinceConfirmed() {
        return Duration.ofNanos(nanoTime.getAsLong() - lastConfirmed.get());
    }
}
