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

    /**
     * What an engine reached over the network may take beyond the connect timeout: a backend gives up by itself at
     * the connect timeout, with its reason, and this is the moment allowed for that before the core gives up in
     * the same words (URI-6).
     */
    static final Duration NETWORK_GRACE = Duration.ofMillis(200);
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
            throw new BackendUnavailableException(couldNotConnect(spec));
        } catch (InterruptedException e) {
            connecting.thenAccept(BackendSession::close);
            Thread.currentThread().interrupt();
            throw new CoordinationException("interrupted while connecting to " + spec.uri(), e);
        } catch (ExecutionException e) {
            Throwable cause = Futures.unwrap(e);
            if (cause instanceof IllegalArgumentException iae) {
                throw iae;
            }
            if (cause instanceof CoordinationException ce && !(cause instanceof BackendUnavailableException)) {
                throw ce;
            }
            String reason = cause instanceof BackendUnavailableException ? cause.getMessage() : cause.toString();
            throw new BackendUnavailableException(couldNotConnect(spec) + ": " + reason, cause);
        }
    }

    /** The one wording of a failed connect, whatever the backend or the reason (URI-6). */
    private static String couldNotConnect(ConnectionSpec spec) {
        return "could not connect to " + spec.uri() + " within the connect timeout of "
                + DurationText.format(spec.connectTimeout()) + " (URI-6)";
    }
}
