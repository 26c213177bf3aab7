package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.CircuitBreakerOptions;
import io.coordkit.CoordinationException;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.DurationText;
import io.coordkit.RetryOptions;
import io.coordkit.spi.CallerWaits;
import io.coordkit.spi.Futures;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every call the core makes to a backend goes through here (SPEC.md SPI-3 to SPI-6, SPI-8): a time limit, the
 * circuit breaker, retries for reads only, and the mapping of every failure onto the CoordinationException
 * hierarchy. Internal.
 */
final class Calls {
    private static final Logger LOG = LoggerFactory.getLogger(Calls.class);
    /**
     * Set while a blocking API method starts the call it then waits for ({@link #awaitInline}); the first backend
     * call made on this thread takes it and runs inside {@link CallerWaits#run}.
     */
    private static final ThreadLocal<Boolean> CALLER_WAITS = new ThreadLocal<>();

    private final String uri;
    private final Duration operationTimeout;
    private final ScheduledExecutorService scheduler;
    private final CircuitBreaker breaker;
    private final Retry retry;
    /** Throws if the coordinator is closed; run before every call (SES-7). */
    private final Runnable ensureOpen;

    Calls(String uri, Duration operationTimeout, RetryOptions retryOptions, CircuitBreakerOptions breakerOptions,
          ScheduledExecutorService scheduler, Runnable ensureOpen) {
        this.uri = uri;
        this.ensureOpen = ensureOpen;
        this.operationTimeout = operationTimeout;
        this.scheduler = scheduler;
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breakerOptions.slidingWindowSize())
                .minimumNumberOfCalls(breakerOptions.minimumCalls())
                .failureRateThreshold(breakerOptions.failureRateThreshold())
                .waitDurationInOpenState(breakerOptions.openDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                // The one trial call may be a long lock wait (resilience4j#903): after an operation timeout
                // without an answer the circuit opens again, and after its open duration lets another trial pass,
                // instead of refusing every call for as long as that wait lasts.
                .maxWaitDurationInHalfOpenState(operationTimeout)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                // Only an engine that cannot be reached counts; a refused compare-and-set is a success here.
                .recordException(Calls::isUnavailability)
                // A lock acquisition may wait long by design: duration never counts against the engine.
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(Duration.ofDays(1))
                .build();
        this.breaker = CircuitBreaker.of("coordkit " + uri, breakerConfig);
        if (!breakerOptions.enabled()) {
            breaker.transitionToDisabledState();
        }
        breaker.getEventPublisher().onStateTransition(e -> LOG.info("circuit breaker of {}: {} -> {}", uri,
                state(e.getStateTransition().getFromState()), state(e.getStateTransition().getToState())));
        RetryConfig retryConfig = RetryConfig.custom()
                .maxAttempts(retryOptions.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(retryOptions.initialBackoff(), 2.0,
                        retryOptions.maxBackoff()))
                .retryOnException(Calls::isRetryable)
                .failAfterMaxAttempts(false)
                .build();
        this.retry = Retry.of("coordkit " + uri, retryConfig);
    }

    Duration operationTimeout() {
        return operationTimeout;
    }

    /** The circuit breaker's states, in coordkit's words (the breaker itself is resilience4j's, and stays here). */
    enum BreakerState {
        /** Calls pass. */
        CLOSED,
        /** Calls are refused at once (SPI-5) until the open duration has passed. */
        OPEN,
        /** One trial call passes; its outcome closes or opens the circuit again. */
        HALF_OPEN,
        /** The breaker is switched off ({@link CircuitBreakerOptions#enabled()} false): calls always pass. */
        DISABLED
    }

    /** @return the circuit breaker's state now; logged on every transition and shown by the coordinator */
    BreakerState breakerState() {
        return state(breaker.getState());
    }

    private static BreakerState state(CircuitBreaker.State s) {
        return switch (s) {
            case CLOSED -> BreakerState.CLOSED;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            case DISABLED, METRICS_ONLY -> BreakerState.DISABLED;
            default -> BreakerState.OPEN; // OPEN, FORCED_OPEN
        };
    }

    /**
     * A read: safe to repeat, so retried on unavailability; all attempts together stay within the operation
     * timeout (SPI-3, SPI-4).
     */
    <T> CompletableFuture<T> read(String operation, Supplier<CompletableFuture<T>> call) {
        return retried(operation, call, true);
    }

    /**
     * A read the coordinator makes for itself to restore what the session guards (the leadership check after
     * RECONNECTED, SES-5): retried like {@link #read}, but not refused by the circuit breaker nor counted by it. After
     * a failover the breaker is often open for its whole open duration, and a leader that is not told it leads
     * again leaves its election without one (ELE-5) although the engine serves.
     */
    <T> CompletableFuture<T> sessionRead(String operation, Supplier<CompletableFuture<T>> call) {
        return retried(operation, call, false);
    }

    /** Attempts of a read, all within one operation timeout, through the breaker if {@code guarded}. */
    private <T> CompletableFuture<T> retried(String operation, Supplier<CompletableFuture<T>> call, boolean guarded) {
        ensureOpen.run();
        long deadline = System.nanoTime() + operationTimeout.toNanos();
        return retry.executeCompletionStage(scheduler,
                        () -> attempt(operation, remaining(deadline), call, null, guarded))
                .toCompletableFuture();
    }

    /** A write or anything else not safe to repeat: one attempt within the operation timeout (SPI-4). */
    <T> CompletableFuture<T> write(String operation, Supplier<CompletableFuture<T>> call) {
        ensureOpen.run();
        return attempt(operation, operationTimeout, call, null, true);
    }

    /**
     * A release (of a lease, registration or candidacy): one attempt within the operation timeout that does not
     * pass through the circuit breaker and is not counted by it. A release must not be refused because other
     * calls failed: the thing it releases stays held on the engine until it succeeds (SPI-5).
     */
    <T> CompletableFuture<T> release(String operation, Supplier<CompletableFuture<T>> call) {
        ensureOpen.run();
        return attempt(operation, operationTimeout, call, null, false);
    }

    /** A release made while the coordinator closes: like {@link #release}, without the closed check. */
    <T> CompletableFuture<T> whileClosing(String operation, Supplier<CompletableFuture<T>> call) {
        return attempt(operation, operationTimeout, call, null, false);
    }

    /**
     * One attempt with its own limit. If the backend's result comes after the caller's future has already
     * ended (time-out or cancellation), {@code orphan} gets it so that it can be undone (SPI-8).
     */
    <T> CompletableFuture<T> once(String operation, Duration limit, Supplier<CompletableFuture<T>> call,
                                  Consumer<T> orphan) {
        ensureOpen.run();
        return attempt(operation, limit, call, orphan, true);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private <T> CompletableFuture<T> attempt(String operation, Duration limit, Supplier<CompletableFuture<T>> call,
                                             Consumer<T> orphan, boolean guarded) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (limit.isZero()) {
            result.completeExceptionally(deadlineExceeded(operation));
            return result;
        }
        if (guarded && !breaker.tryAcquirePermission()) {
            result.completeExceptionally(new CircuitOpenException("circuit breaker open for " + uri + ": "
                    + operation + " not attempted because recent calls could not reach the engine (SPI-5)"));
            return result;
        }
        long start = System.nanoTime();
        boolean callerWaits = CALLER_WAITS.get() != null;
        if (callerWaits) {
            CALLER_WAITS.remove(); // only the first backend call of the waiting caller may answer on its thread
        }
        CompletableFuture<T> source;
        try {
            source = callerWaits ? CallerWaits.run(scheduler, start + limit.toNanos(), call) : call.get();
            if (source == null) {
                source = CompletableFuture.failedFuture(new IllegalStateException("backend returned no future"));
            }
        } catch (RuntimeException e) {
            source = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> backend = source;
        // No time limit to watch for a call answered already (one made on the caller's thread, CallerWaits, or a
        // refusal); otherwise the limit counts from the start, which a call on the caller's thread has used up part of
        ScheduledFuture<?> timer = backend.isDone() ? null : scheduler.schedule(() -> {
            if (result.completeExceptionally(deadlineExceeded(operation, limit))) {
                backend.cancel(true);
            }
        }, Math.max(0, start + limit.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
        backend.whenComplete((value, error) -> {
            if (timer != null) {
                timer.cancel(false);
            }
            boolean delivered;
            if (error == null) {
                delivered = result.complete(value);
            } else if (callerWaits && System.nanoTime() - (start + limit.toNanos()) >= 0) {
                // a call on the caller's thread that failed at its deadline was cut off by it (CallerWaits): the
                // core's time-out, which names the limit (SPI-3)
                delivered = result.completeExceptionally(deadlineExceeded(operation, limit));
            } else {
                delivered = result.completeExceptionally(map(operation, error));
            }
            if (!delivered && error == null && value != null && orphan != null) {
                orphan.accept(value);
            }
        });
        result.whenComplete((value, error) -> {
            long took = System.nanoTime() - start;
            if (!guarded) {
                if (result.isCancelled()) {
                    backend.cancel(true);
                }
            } else if (error == null) {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else if (result.isCancelled()) {
                breaker.releasePermission();
                backend.cancel(true);
            } else {
                breaker.onError(took, TimeUnit.NANOSECONDS, Futures.unwrap(error));
            }
        });
        return result;
    }

    private CoordinationTimeoutException deadlineExceeded(String operation) {
        return deadlineExceeded(operation, operationTimeout);
    }

    private CoordinationTimeoutException deadlineExceeded(String operation, Duration limit) {
        return new DeadlineExceededException(operation + " did not complete within " + DurationText.format(limit)
                + " on " + uri + " (SPI-3)");
    }

    /**
     * Maps any failure of a backend call onto the CoordinationException hierarchy (SPI-6); use of a closed
     * coordinator stays an IllegalStateException (SES-7).
     */
    RuntimeException map(String operation, Throwable error) {
        Throwable t = Futures.unwrap(error);
        if (t instanceof CoordinationException ce) {
            return ce;
        }
        if (t instanceof ClosedException closed) {
            return closed; // SES-7: use after close is the caller's error, not the engine's
        }
        if (t instanceof CancellationException) {
            return new CoordinationException(operation + " was cancelled", t);
        }
        return new CoordinationException(operation + " failed on " + uri + ": " + t, t);
    }

    private static boolean isUnavailability(Throwable t) {
        Throwable u = Futures.unwrap(t);
        return (u instanceof BackendUnavailableException || u instanceof CoordinationTimeoutException)
                && !(u instanceof CircuitOpenException);
    }

    private static boolean isRetryable(Throwable t) {
        Throwable u = Futures.unwrap(t);
        // The core's own deadline covers all attempts: once it has passed, another attempt cannot help.
        return isUnavailability(u) && !(u instanceof DeadlineExceededException);
    }

    /**
     * Turns a backend result into what the caller gets, keeping SPI-8 when the caller gives up: cancelling the
     * returned future cancels {@code upstream}, and a value that arrives after the caller cancelled is undone.
     *
     * @param upstream the backend call
     * @param wrap     makes the caller's object from the backend's (may register it with the coordinator)
     * @param undo     releases a wrapped object nobody will receive
     */
    static <T, R> CompletableFuture<R> relay(CompletableFuture<T> upstream, java.util.function.Function<T, R> wrap,
                                             Consumer<R> undo) {
        CompletableFuture<R> result = new CompletableFuture<>();
        upstream.whenComplete((value, error) -> {
            if (error != null) {
                result.completeExceptionally(Futures.unwrap(error));
                return;
            }
            R wrapped;
            try {
                wrapped = wrap.apply(value);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            if (!result.complete(wrapped)) {
                undo.accept(wrapped);
            }
        });
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                upstream.cancel(true);
            }
        });
        return result;
    }

    /**
     * Starts a call and waits for it, on behalf of a blocking API method: the first backend call it makes on this
     * thread may be answered on this thread ({@link CallerWaits}), which saves the engine client's hand-off of the
     * answer to its callback thread. Failures are rethrown as by {@link #await}.
     */
    static <T> T awaitInline(Supplier<CompletableFuture<T>> call) {
        CALLER_WAITS.set(Boolean.TRUE);
        CompletableFuture<T> future;
        try {
            future = call.get();
        } finally {
            CALLER_WAITS.remove();
        }
        return await(future);
    }

    /**
     * Waits for a future on behalf of a blocking API method and rethrows its failure as is.
     */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CoordinationException("interrupted while waiting for the engine", e);
        } catch (ExecutionException e) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new CoordinationException(String.valueOf(cause), cause);
        } catch (CancellationException e) {
            throw new CoordinationException("the operation was cancelled", e);
        }
    }

    /** The core's own time limit ran out; never retried. */
    static final class DeadlineExceededException extends CoordinationTimeoutException {
        private static final long serialVersionUID = 1L;

        DeadlineExceededException(String message) {
            super(message);
        }
    }

    /** The circuit breaker refused the call; never retried and never counted as a failure. */
    static final class CircuitOpenException extends BackendUnavailableException {
        private static final long serialVersionUID = 1L;

        CircuitOpenException(String message) {
            super(message);
        }
    }
}
