package io.coordkit.tck;

import io.coordkit.DurationText;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A coordkit connection URI split into its parts (SPEC.md URI-2), for tests that build URIs from a fixture's:
 * {@code scheme://[userinfo@]hosts[/namespace][?query]}. No decoding, no checks: the core does those.
 *
 * @param scheme    the scheme as written
 * @param userInfo  the user information before {@code @}, or empty
 * @param hosts     the host list, possibly empty
 * @param namespace the path without its leading slash, or empty
 * @param options   the query options in order (a repeated option keeps its last value)
 */
public record TckUris(String scheme, String userInfo, String hosts, String namespace, Map<String, String> options) {

    /** The option for the session TTL (SPEC.md URI-3) and its alias. */
    public static final String SESSION_TTL = "sessionTtl";
    /** The alias of {@link #SESSION_TTL} (SPEC.md URI-3). */
    public static final String SESSION_TIMEOUT = "sessionTimeout";
    /** The option for the operation timeout (SPEC.md URI-3). */
    public static final String OPERATION_TIMEOUT = "operationTimeout";
    /** Session TTL of a URI without the option (SPEC.md NAM-6). */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofSeconds(10);
    /** Operation timeout of a URI without the option (SPEC.md NAM-6). */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(5);

    /** Copies the options. */
    public TckUris {
        Objects.requireNonNull(scheme, "scheme");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /**
     * @param uri a URI of the form above
     * @return its parts
     * @throws IllegalArgumentException if it has no {@code ://}
     */
    public static TckUris parse(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("not a coordkit URI (no scheme://): " + uri);
        }
        String scheme = uri.substring(0, schemeEnd);
        String rest = uri.substring(schemeEnd + 3);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                options.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return new TckUris(scheme, userInfo, rest, path, options);
    }

    /**
     * @param newScheme the scheme
     * @return a copy with that scheme
     */
    public TckUris withScheme(String newScheme) {
        return new TckUris(newScheme, userInfo, hosts, namespace, options);
    }

    /**
     * @param newUserInfo {@code user:password}, or empty
     * @return a copy with that user information
     */
    public TckUris withUserInfo(String newUserInfo) {
        return new TckUris(scheme, newUserInfo, hosts, namespace, options);
    }

    /**
     * @param newHosts a host list, possibly empty
     * @return a copy with those hosts
     */
    public TckUris withHosts(String newHosts) {
        return new TckUris(scheme, userInfo, newHosts, namespace, options);
    }

    /**
     * @param newNamespace a namespace, or empty for none
     * @return a copy with that namespace
     */
    public TckUris withNamespace(String newNamespace) {
        return new TckUris(scheme, userInfo, hosts, newNamespace, options);
    }

    /**
     * @param key   an option
     * @param value its value
     * @return a copy with the option set (replacing an earlier value)
     */
    public TckUris withOption(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.put(key, value);
        return new TckUris(scheme, userInfo, hosts, namespace, copy);
    }

    /**
     * @param key an option
     * @return a copy without the option
     */
    public TckUris withoutOption(String key) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.remove(key);
        return new TckUris(scheme, userInfo, hosts, namespace, copy);
    }

    /**
     * @param ttl     the session TTL to set unless the URI sets {@code sessionTtl} or {@code sessionTimeout}
     * @param timeout the operation timeout to set unless the URI sets {@code operationTimeout}
     * @return a copy with both options present; the URI's own values win
     */
    public TckUris withDefaultTimings(Duration ttl, Duration timeout) {
        TckUris u = this;
        if (!options.containsKey(SESSION_TTL) && !options.containsKey(SESSION_TIMEOUT)) {
            u = u.withOption(SESSION_TTL, duration(ttl));
        }
        if (!options.containsKey(OPERATION_TIMEOUT)) {
            u = u.withOption(OPERATION_TIMEOUT, duration(timeout));
        }
        return u;
    }

    /**
     * @return the session TTL this URI asks for: its {@code sessionTtl} (or {@code sessionTimeout}) option, else
     *         the default of SPEC.md NAM-6
     * @throws IllegalArgumentException if the option is not a duration
     */
    public Duration sessionTtl() {
        String v = options.containsKey(SESSION_TTL) ? options.get(SESSION_TTL) : options.get(SESSION_TIMEOUT);
        return v == null ? DEFAULT_SESSION_TTL : parseDuration(v);
    }

    /**
     * @return the operation timeout this URI asks for: its {@code operationTimeout} option, else the default of
     *         SPEC.md NAM-6
     * @throws IllegalArgumentException if the option is not a duration
     */
    public Duration operationTimeout() {
        String v = options.get(OPERATION_TIMEOUT);
        return v == null ? DEFAULT_OPERATION_TIMEOUT : parseDuration(v);
    }

    /**
     * Routes every {@code host:port} of a host list, for example through a {@link io.coordkit.testing.fault.TcpProxy}.
     *
     * @param hostList {@code host:port,...}
     * @param route    where each endpoint goes instead
     * @return the routed host list, or empty if the list is empty or an entry has no port (its default port is
     *         unknown to the TCK)
     */
    public static Optional<String> routeHosts(String hostList, UnaryOperator<InetSocketAddress> route) {
        if (hostList.isEmpty()) {
            return Optional.empty();
        }
        List<InetSocketAddress> endpoints = new ArrayList<>();
        for (String hostPort : hostList.split(",")) {
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) {
                return Optional.empty();
            }
            endpoints.add(new InetSocketAddress(hostPort.substring(0, colon),
                    Integer.parseInt(hostPort.substring(colon + 1))));
        }
        return Optional.of(hostList(endpoints, route));
    }

    /**
     * @param endpoints client endpoints, for example {@code EngineCluster.clientEndpoints()}
     * @param route     where each endpoint goes instead ({@link UnaryOperator#identity()} for none)
     * @return the routed endpoints as a host list {@code host:port,...}
     */
    public static String hostList(List<InetSocketAddress> endpoints, UnaryOperator<InetSocketAddress> route) {
        return endpoints.stream().map(route).map(a -> a.getHostString() + ":" + a.getPort())
                .collect(Collectors.joining(","));
    }

    /**
     * Parses a duration as URI options write it (SPEC.md URI-3), with the core's syntax.
     *
     * @param text {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 such as {@code PT5S}
     * @return the duration
     * @throws IllegalArgumentException if it is none of those
     */
    public static Duration parseDuration(String text) {
        return DurationText.parse(text).orElseThrow(() -> new IllegalArgumentException("'" + text
                + "' is not a duration; write 500ms, 5s, 2m, 1h or ISO-8601 such as PT5S (URI-3)"));
    }

    /**
     * @param d a duration
     * @return it in the URI's millisecond form, for example {@code 3000ms}
     */
    public static String duration(Duration d) {
        return DurationText.format(d, ChronoUnit.MILLIS, 0);
    }

    /**
     * @param extraQuery raw text appended to the query, for example {@code a=1&a=2}
     * @return the URI as text with that extra query text
     */
    public String toStringWithRawQuery(String extraQuery) {
        String base = toString();
        return base + (options.isEmpty() ? "?" : "&") + extraQuery;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scheme).append("://");
        if (!userInfo.isEmpty()) {
            sb.append(userInfo).append('@');
        }
        sb.append(hosts);
        if (!namespace.isEmpty()) {
            sb.append('/').append(namespace);
        }
        if (!options.isEmpty()) {
            sb.append('?').append(options.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("&")));
        }
        return sb.toString();
    }
}
