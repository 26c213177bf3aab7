package io.coordkit.spi;

import java.util.Set;

/**
 * A backend, found through {@link java.util.ServiceLoader} by URI scheme. List the implementation in
 * {@code META-INF/services/io.coordkit.spi.CoordinationProvider}.
 *
 * <p>The core parses and checks the URI and every option before it calls {@link #connect}, so a backend never
 * validates names, values or timeouts, and never retries on its own: the core applies time limits, retries
 * (for reads only) and the circuit breaker to every call. A backend maps the SPI onto its engine and maps the
 * engine's errors onto {@link io.coordkit.CoordinationException} and its subclasses. See SPEC.md, section SPI.
 */
public interface CoordinationProvider {

    /** @return the URI schemes this provider serves, lower case, for example {@code zookeeper} */
    Set<String> schemes();

    /** @return a one-line description shown when listing backends */
    String description();

    /**
     * @param scheme one of {@link #schemes()}
     * @return false if URIs of this scheme name no hosts (an in-process engine); then hosts are refused
     */
    default boolean requiresEndpoints(String scheme) {
        return true;
    }

    /**
     * @param scheme one of {@link #schemes()}
     * @return the backend-specific URI query parameters it accepts besides the core's
     *         ({@code sessionTtl}, {@code operationTimeout}, {@code connectTimeout}); others are refused by the
     *         core before any connection attempt
     */
    default Set<String> parameters(String scheme) {
        return Set.of();
    }

    /**
     * Opens a session. Blocks until the session is established or {@link ConnectionSpec#connectTimeout()} has
     * passed.
     *
     * @param spec   the checked connection options
     * @param events where the backend reports every later session state change
     * @return the open session
     * @throws io.coordkit.BackendUnavailableException if no session could be established in time; the backend
     *                                                 has released everything it opened
     */
    BackendSession connect(ConnectionSpec spec, SessionEvents events);
}
