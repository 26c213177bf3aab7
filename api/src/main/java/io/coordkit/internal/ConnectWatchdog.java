package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.CoordinationException;
import io.coordkit.DurationText;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.Futures;
import io.coordkit.spi.SessionEvents;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a provider's blocking {@code connect} with the connect timeout enforced by the core too, so that a backend
 * that hangs cannot hang the application (URI-6). A session that arrives after the caller gave up is closed.
 * Internal.
 */
final class ConnectWatchdog {

    /** What an engine reached over the network may take beyond the connect timeout. */
    static final Duration NETWORK_GRACE = Duration.ofSeconds(2);
    /** What an in-process engine may take beyond it: it starts its server inside connect. */
    static final Duration IN_PROCESS_GRACE = Duration.ofSeconds(30);

    private ConnectWatchdog() {
    }

    /**
     * @param provider the backend
     * @param spec     the checked connection options
     * @param events   where the session reports its states
     * @return the open session
     * @throws BackendUnavailableException if there is no session within the connect timeout (plus the grace) or
     *                                     the provider failed with anything but a coordkit or argument error
     */
    static BackendSession connect(CoordinationProvider provider, ConnectionSpec spec, SessionEvents events) {
        CompletableFuture<BackendSession> connecting = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                connecting.complete(provider.connect(spec, events));
            } catch (Throwable e) {
                connecting.completeExceptionally(e);
            }
        }, "coordkit-connect");
        t.setDaemon(true);
        t.start();
        Duration grace = spec.connectTimeout().plus(provider.requiresEndpoints(spec.scheme()) ? NETWORK_GRACE
                : IN_PROCESS_GRACE);
        try {
            return connecting.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            connecting.thenAccept(BackendSession::close);
            throw new BackendUnavailableException("no session with " + spec.uri() + " within the connect timeout of "
                    + DurationText.format(spec.connectTimeout()) + " (URI-6)");
        } catch (InterruptedException e) {
            connecting.thenAccept(BackendSession::close);
            Thread.currentThread().interrupt();
            throw new CoordinationException("interrupted while connecting to " + spec.uri(), e);
        } catch (ExecutionException e) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof CoordinationException || cause instanceof IllegalArgumentException) {
                throw (RuntimeException) cause;
            }
            throw new BackendUnavailableException("cannot connect to " + spec.uri() + ": " + cause, cause);
        }
    }
}
