package io.coordkit.internal;

import io.coordkit.Coordinator;
import io.coordkit.Credentials;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a URI and builder options into a checked {@link ConnectionSpec} and opens a coordinator on it. Every
 * check happens here, before the backend is called (SPEC.md URI-*, NAM-6). Internal: not part of the API.
 */
public final class CoordinatorFactory {

    static final String SESSION_TTL = "sessionTtl";
    static final String SESSION_TIMEOUT = "sessionTimeout";
    static final String OPERATION_TIMEOUT = "operationTimeout";
    static final String CONNECT_TIMEOUT = "connectTimeout";

    static final Duration DEFAULT_SESSION_TTL = Duration.ofSeconds(10);
    static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(5);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final String DEFAULT_NAMESPACE = "default";

    private CoordinatorFactory() {
    }

    /** @return the schemes served by the providers on the class path */
    public static Set<String> availableSchemes() {
        return Providers.schemes();
    }

    /**
     * @param uri a connection URI
     * @return its options, decoded, in order
     */
    public static Map<String, String> uriOptions(String uri) {
        return ConnectionUri.parse(uri).options();
    }

    /**
     * @param options what the builder collected
     * @return the connected coordinator
     */
    public static Coordinator connect(CoordinatorOptions options) {
        ConnectionUri uri = ConnectionUri.parse(options.uri());
        CoordinationProvider provider = Providers.forScheme(uri.scheme());
        ConnectionSpec spec = spec(uri, provider, options);
        return CoordinatorImpl.open(provider, spec, options.retry(), options.circuitBreaker());
    }

    /** Checks everything and builds the spec; no I/O. */
    static ConnectionSpec spec(ConnectionUri uri, CoordinationProvider provider, CoordinatorOptions options) {
        String scheme = uri.scheme();
        boolean needsHosts = provider.requiresEndpoints(scheme);
        if (needsHosts && uri.endpoints().isEmpty()) {
            throw new IllegalArgumentException("uri must name at least one host for scheme '" + scheme
                    + "', e.g. " + scheme + "://127.0.0.1:port/namespace (URI-2)");
        }
        if (!needsHosts && !uri.endpoints().isEmpty()) {
            throw new IllegalArgumentException("uri must not name hosts for scheme '" + scheme
                    + "', which runs in-process; write " + scheme + ":[/namespace] (URI-2)");
        }

        Set<String> backendParameters = provider.parameters(scheme);
        Map<String, String> backendOptions = new HashMap<>();
        Duration ttl = null;
        Duration operationTimeout = null;
        Duration connectTimeout = null;
        for (Map.Entry<String, String> option : uri.options().entrySet()) {
            String name = option.getKey();
            switch (name) {
                case SESSION_TTL, SESSION_TIMEOUT -> {
                    if (ttl != null) {
                        throw new IllegalArgumentException("uri options sessionTtl and sessionTimeout are the same"
                                + " option; give one (URI-3)");
                    }
                    ttl = ConnectionUri.parseDuration(name, option.getValue());
                }
                case OPERATION_TIMEOUT -> operationTimeout = ConnectionUri.parseDuration(name, option.getValue());
                case CONNECT_TIMEOUT -> connectTimeout = ConnectionUri.parseDuration(name, option.getValue());
                default -> {
                    if (!backendParameters.contains(name)) {
                        Set<String> accepted = new TreeSet<>(backendParameters);
                        accepted.addAll(Set.of(SESSION_TTL, SESSION_TIMEOUT, OPERATION_TIMEOUT, CONNECT_TIMEOUT));
                        throw new IllegalArgumentException("unknown uri option '" + name + "' for scheme '" + scheme
                                + "' (URI-3); accepted options are " + String.join(", ", accepted));
                    }
                    backendOptions.put(name, option.getValue());
                }
            }
        }

        ttl = firstNonNull(options.sessionTtl(), ttl, DEFAULT_SESSION_TTL);
        operationTimeout = firstNonNull(options.operationTimeout(), operationTimeout, DEFAULT_OPERATION_TIMEOUT);
        connectTimeout = firstNonNull(options.connectTimeout(), connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        Validation.option(SESSION_TTL, ttl, Duration.ofSeconds(1), Duration.ofMinutes(10));
        Validation.option(OPERATION_TIMEOUT, operationTimeout, Duration.ofMillis(10), Duration.ofMinutes(10));
        Validation.option(CONNECT_TIMEOUT, connectTimeout, Duration.ofMillis(10), Duration.ofMinutes(10));

        String namespace = options.namespace() != null
                ? Validation.name("namespace", options.namespace())
                : uri.namespace().orElse(DEFAULT_NAMESPACE);
        Optional<Credentials> credentials = Optional.ofNullable(options.credentials()).or(uri::credentials);

        return new ConnectionSpec(uri.masked(), scheme, uri.endpoints(), namespace, ttl, operationTimeout,
                connectTimeout, credentials, backendOptions);
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        throw new IllegalStateException("no default");
    }
}
