package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.session.SessionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Deferred releases alone, against a release that fails as long as the test says. */
class DeferredReleasesTest {

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicReference<SessionState> state = new AtomicReference<>(SessionState.CONNECTED);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger attempts = new AtomicInteger();
    /** The release fails while this is above zero, counting down. */
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final DeferredReleases releases = new DeferredReleases("fake://h:1/ns", (what, release) -> {
        if (closed.get()) {
            throw new IllegalStateException("closed");
        }
        return release.get();
    }, scheduler, epoch::get, state::get, closed::get);

    private final Supplier<CompletableFuture<Void>> release = () -> {
        attempts.incrementAndGet();
        return failuresLeft.getAndDecrement() > 0
                ? CompletableFuture.failedFuture(new BackendUnavailableException("engine down"))
                : CompletableFuture.completedFuture(null);
    };

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aReleaseThatSucceedsAtOnceIsNotRetried() {
        releases.releaseOrDefer("release of l", release);
        assertThat(attempts).hasValue(1);
        assertThat(releases.pending()).isZero();
    }

    @Test
    void aFailedReleaseIsRetriedUntilItSucceeds() {
        failuresLeft.set(3);
        releases.releaseOrDefer("release of l", release);
        assertThat(releases.pending()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> releases.pending() == 0);
        assertThat(attempts).hasValue(4);
    }

    @Test
    void aReleaseInTheBackgroundIsRetriedToo() {
        failuresLeft.set(1);
        releases.releaseInBackground("release of l", release);
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 2 && releases.pending() == 0);
    }

    @Test
    void aLostSessionEndsTheRetries() {
        failuresLeft.set(Integer.MAX_VALUE);
        releases.releaseOrDefer("release of l", release);
        await().until(() -> attempts.get() >= 2);
        epoch.incrementAndGet();
        state.set(SessionState.LOST);
        releases.sessionChanged(SessionState.LOST);
        assertThat(releases.pending()).isZero();
        int after = attempts.get();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> attempts.get() <= after + 1);
    }

    @Test
    void aReleaseStartedWhileLostWaitsForTheNextSession() {
        state.set(SessionState.LOST);
        failuresLeft.set(1);
        releases.releaseOrDefer("release of l", release);
        assertThat(releases.pending()).isEqualTo(1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> attempts.get() == 1);
        state.set(SessionState.CONNECTED);
        releases.sessionChanged(SessionState.CONNECTED);
        await().until(() -> releases.pending() == 0);
        assertThat(attempts).hasValue(2);
    }

    @Test
    void theSessionBackRetriesAtOnce() {
        failuresLeft.set(Integer.MAX_VALUE);
        releases.releaseOrDefer("release of l", release);
        await().until(() -> attempts.get() >= 5); // the backoff has grown to 1.6 s
        failuresLeft.set(0);
        releases.sessionChanged(SessionState.RECONNECTED);
        await().until(() -> releases.pending() == 0);
    }

    @Test
    void closingGivesUpEveryPendingRelease() {
        failuresLeft.set(Integer.MAX_VALUE);
        releases.releaseOrDefer("release of l", release);
        closed.set(true);
        releases.close();
        assertThat(releases.pending()).isZero();
        releases.releaseInBackground("release of m", release);
        assertThat(releases.pending()).as("nothing is deferred once closed").isZero();
    }
}
