package io.coordkit.spi;

import io.coordkit.Credentials;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checked connection options, handed by the core to {@link CoordinationProvider#connect}.
 *
 * @param uri              the URI as given, with any password masked; for messages
 * @param scheme           the scheme, lower case
 * @param endpoints        the hosts, in the order given; empty for in-process schemes
 * @param namespace        the namespace (NAM-1 rules) every name lives in; the backend keeps namespaces apart
 * @param sessionTtl       how long the engine keeps the session without hearing from the client
 * @param operationTimeout the time limit of one engine operation
 * @param connectTimeout   how long {@code connect} may take
 * @param credentials      user name and password, when given
 * @param parameters       the backend-specific query parameters (only those the provider declared)
 */
public record ConnectionSpec(String uri, String scheme, List<Endpoint> endpoints, String namespace,
                             Duration sessionTtl, Duration operationTimeout, Duration connectTimeout,
                             Optional<Credentials> credentials, Map<String, String> parameters) {

    /** Copies the collections and checks for nulls. */
    public ConnectionSpec {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(scheme, "scheme");
        endpoints = List.copyOf(endpoints);
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(sessionTtl, "sessionTtl");
        Objects.requireNonNull(operationTimeout, "operationTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(credentials, "credentials");
        parameters = Map.copyOf(parameters);
    }

    /**
     * @param defaultPort the engine's default port
     * @return the endpoints as a comma-separated host:port list
     */
    public String hostList(int defaultPort) {
        StringBuilder sb = new StringBuilder();
        for (Endpoint e : endpoints) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e.toHostPort(defaultPort));
        }
        return sb.toString();
    }
}
