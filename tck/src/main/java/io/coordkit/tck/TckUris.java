package io.coordkit.tck;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
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

    /** Copies the options. */
    public TckUris {
        Objects.requireNonNull(scheme, "scheme");
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
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
     * @param d a duration
     * @return it in the URI's millisecond form, for example {@code 3000ms}
     */
    public static String duration(Duration d) {
        return d.toMillis() + "ms";
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
