package io.coordkit;

import io.coordkit.internal.CoordinatorFactory;
import io.coordkit.internal.CoordinatorOptions;
import io.coordkit.internal.Validation;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The entry point: opens a {@link Coordinator} for a URI. The backend is chosen by the URI's scheme among the
 * {@link io.coordkit.spi.CoordinationProvider}s on the class path.
 *
 * <pre>{@code
 * try (Coordinator c = Coordinators.connect("zookeeper://127.0.0.1:2181/myapp?sessionTtl=5s")) {
 *     try (LockLease lease = c.locks().lock("orders/42").acquire(Duration.ofSeconds(5))) {
 *         store.write(order, lease.fencingToken());
 *     }
 * }
 * }</pre>
 *
 * <p>URI form: {@code scheme://[user:password@]host[:port][,host[:port]...][/namespace][?option=value&...]}.
 * The path is the namespace (default {@code default}). Options every backend accepts: {@code sessionTtl},
 * {@code operationTimeout}, {@code connectTimeout}, as {@code 500ms}, {@code 5s}, {@code 2m} or ISO-8601
 * ({@code PT5S}). See SPEC.md, section URI.
 */
public final class Coordinators {

    private Coordinators() {
    }

    /**
     * Opens a coordinator with the URI's options and defaults for the rest.
     *
     * @param uri the connection URI
     * @return the connected coordinator
     * @throws IllegalArgumentException     if the URI is malformed, names an unknown scheme (the message lists
     *                                      the known ones) or has a bad option
     * @throws BackendUnavailableException if no session could be opened within the connect timeout
     */
    public static Coordinator connect(String uri) {
        return builder(uri).connect();
    }

    /**
     * @param uri the connection URI
     * @return a builder to set options in code; options set on the builder win over the URI's
     */
    public static Builder builder(String uri) {
        return new Builder(uri);
    }

    /** @return the URI schemes served by the providers on the class path, sorted */
    public static Set<String> availableSchemes() {
        return CoordinatorFactory.availableSchemes();
    }

    /**
     * Reads a connection URI's options as {@link #connect(String)} would, without connecting: for tools that
     * derive their own defaults from them (coordctl's connect timeout, for example).
     *
     * @param uri the connection URI
     * @return its options, decoded, in the URI's order (values unchecked: {@link #connect} checks them)
     * @throws IllegalArgumentException if the URI is malformed (URI-2) or an option is given twice (URI-3)
     */
    public static Map<String, String> uriOptions(String uri) {
        return CoordinatorFactory.uriOptions(uri);
    }

    /** Options of a coordinator, set in code. */
    public static final class Builder {
        private final String uri;
        private Duration sessionTtl;
        private Duration operationTimeout;
        private Duration connectTimeout;
        private String namespace;
        private Credentials credentials;
        private RetryOptions retry = RetryOptions.defaults();
        private CircuitBreakerOptions circuitBreaker = CircuitBreakerOptions.defaults();

        private Builder(String uri) {
            this.uri = Validation.notNull("uri", uri);
        }

        /**
         * @param ttl how long the engine keeps the session alive without hearing from this client; 1 s to 10 min,
         *            default 10 s
         * @return this builder
         */
        public Builder sessionTtl(Duration ttl) {
            this.sessionTtl = Validation.notNull("sessionTtl", ttl);
            return this;
        }

        /**
         * @param timeout the time limit of one engine operation; 10 ms to 10 min, default 5 s
         * @return this builder
         */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = Validation.notNull("operationTimeout", timeout);
            return this;
        }

        /**
         * @param timeout how long {@link #connect()} may wait for a session; 10 ms to 10 min, default 10 s
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Validation.notNull("connectTimeout", timeout);
            return this;
        }

        /**
         * @param namespace the namespace, a key-style name (NAM-1); replaces the URI's path
         * @return this builder
         */
        public Builder namespace(String namespace) {
            this.namespace = Validation.notNull("namespace", namespace);
            return this;
        }

        /**
         * @param credentials user name and password; replace any in the URI
         * @return this builder
         */
        public Builder credentials(Credentials credentials) {
            this.credentials = Validation.notNull("credentials", credentials);
            return this;
        }

        /**
         * @param retry how reads are retried; default {@link RetryOptions#defaults()}
         * @return this builder
         */
        public Builder retry(RetryOptions retry) {
            this.retry = Validation.notNull("retry", retry);
            return this;
        }

        /**
         * @param circuitBreaker when calls fail fast; default {@link CircuitBreakerOptions#defaults()}
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreakerOptions circuitBreaker) {
            this.circuitBreaker = Validation.notNull("circuitBreaker", circuitBreaker);
            return this;
        }

        /**
         * Checks every option, then opens the session.
         *
         * @return the connected coordinator
         * @throws IllegalArgumentException     if an option is invalid (before any I/O)
         * @throws BackendUnavailableException if no session could be opened within the connect timeout
         */
        public Coordinator connect() {
            return CoordinatorFactory.connect(new CoordinatorOptions(uri, sessionTtl, operationTimeout,
                    connectTimeout, namespace, credentials, retry, circuitBreaker));
        }
    }
}
