package io.coordkit.internal;

import io.coordkit.Credentials;
import io.coordkit.DurationText;
import io.coordkit.spi.Endpoint;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A connection URI taken apart (SPEC.md URI-2): {@code scheme://[user:password@]host[:port][,host[:port]...]
 * [/namespace][?option=value&...]}, or {@code scheme:} alone for in-process engines. {@code java.net.URI} does not
 * accept several hosts, so the parsing is done here. Internal (tools read the options through
 * {@link io.coordkit.Coordinators#uriOptions(String)} and durations with {@link DurationText}).
 *
 * @param scheme      lower case
 * @param credentials from the user-info part, if any
 * @param endpoints   the hosts
 * @param namespace   the path without its leading '/', or empty when there is none
 * @param options     the query options in order, decoded
 * @param masked      the URI with the password replaced by ***, for messages
 */
record ConnectionUri(String scheme, Optional<Credentials> credentials, List<Endpoint> endpoints,
                            Optional<String> namespace, Map<String, String> options, String masked) {

    private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*");

    /**
     * @param uri the URI
     * @return its parts
     * @throws IllegalArgumentException naming what is malformed (URI-2)
     */
    public static ConnectionUri parse(String uri) {
        Validation.notNull("uri", uri);
        String text = uri.trim();
        int colon = text.indexOf(':');
        if (colon <= 0 || !SCHEME.matcher(text.substring(0, colon)).matches()) {
            throw new IllegalArgumentException("uri must start with a scheme such as 'zookeeper://' or 'embedded:'"
                    + " (URI-2): '" + maskUserInfo(text) + "'");
        }
        String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = text.substring(colon + 1);

        // The user info ends at the last '@' (a host, namespace or option has none unless percent-encoded), so a
        // password with an unescaped '/', '?' or '#' is never taken for a host, path or option (URI-5).
        Optional<Credentials> credentials = Optional.empty();
        String userInfoMasked = "";
        if (rest.startsWith("//")) {
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                String userInfo = rest.substring(2, at);
                rest = "//" + rest.substring(at + 1);
                int sep = userInfo.indexOf(':');
                String user = decode(sep < 0 ? userInfo : userInfo.substring(0, sep), "user");
                String password = sep < 0 ? "" : decode(userInfo.substring(sep + 1), "password");
                if (user.isEmpty() ? password.isEmpty() : user.isBlank()) {
                    throw new IllegalArgumentException("uri has neither a user name nor a password before '@', or a"
                            + " blank user name (URI-2)");
                }
                credentials = Optional.of(new Credentials(user, password));
                userInfoMasked = (sep < 0 ? userInfo : userInfo.substring(0, sep) + ":***") + "@";
            }
        }

        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        if (rest.indexOf('#') >= 0) {
            throw new IllegalArgumentException("uri must not have a fragment ('#') (URI-2)");
        }

        String authority = "";
        String path = "";
        if (rest.startsWith("//")) {
            rest = rest.substring(2);
            int slash = rest.indexOf('/');
            authority = slash < 0 ? rest : rest.substring(0, slash);
            path = slash < 0 ? "" : rest.substring(slash);
        } else if (!rest.isEmpty()) {
            if (!rest.startsWith("/")) {
                throw new IllegalArgumentException("uri must have the form " + scheme + "://host[:port][,...]"
                        + "[/namespace] or " + scheme + ":[/namespace] (URI-2): '" + maskUserInfo(text) + "'");
            }
            path = rest;
        }
        String maskedAuthority = userInfoMasked + authority;

        List<Endpoint> endpoints = new ArrayList<>();
        if (!authority.isEmpty()) {
            for (String hostPort : authority.split(",", -1)) {
                endpoints.add(parseEndpoint(hostPort));
            }
        }

        Optional<String> namespace = Optional.empty();
        if (!path.isEmpty() && !path.equals("/")) {
            String ns = path.startsWith("/") ? path.substring(1) : path;
            namespace = Optional.of(Validation.name("uri namespace (path)", ns));
        }

        Map<String, String> options = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                if (pair.isEmpty() || eq <= 0) {
                    throw new IllegalArgumentException("uri option '" + pair + "' must have the form name=value"
                            + " (URI-3)");
                }
                String name = decode(pair.substring(0, eq), "option name");
                String value = decode(pair.substring(eq + 1), "option " + name);
                if (options.put(name, value) != null) {
                    throw new IllegalArgumentException("uri option '" + name + "' is given twice (URI-3)");
                }
            }
        }

        String masked = scheme + ":" + (text.substring(colon + 1).startsWith("//") ? "//" + maskedAuthority : "")
                + (path.isEmpty() ? "" : path) + (query == null ? "" : "?" + query);
        return new ConnectionUri(scheme, credentials, List.copyOf(endpoints), namespace,
                java.util.Collections.unmodifiableMap(options), masked);
    }

    /**
     * Hides a password in a URI that could not be parsed, for messages (URI-5): everything between the scheme's
     * first ':' after the user name and the last '@' is masked, whatever characters the password has.
     */
    static String maskUserInfo(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int start = text.indexOf("//");
        start = start < 0 ? text.indexOf(':') + 1 : start + 2;
        if (start <= 0 || start > at) {
            return text.substring(0, at).replaceAll(":[^:]*$", ":***") + text.substring(at);
        }
        int sep = text.indexOf(':', start);
        return sep < 0 || sep > at ? text : text.substring(0, sep + 1) + "***" + text.substring(at);
    }

    private static Endpoint parseEndpoint(String hostPort) {
        if (hostPort.isEmpty()) {
            throw new IllegalArgumentException("uri has an empty host in its host list (URI-2)");
        }
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("uri host '" + hostPort + "' lacks the closing ']' (URI-2)");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("uri host '" + hostPort + "' is malformed (URI-2)");
                }
                port = after.substring(1);
            }
        } else {
            int c = hostPort.lastIndexOf(':');
            if (c >= 0 && hostPort.indexOf(':') != c) {
                throw new IllegalArgumentException("uri host '" + hostPort
                        + "': write IPv6 addresses in brackets, e.g. [::1]:2181 (URI-2)");
            }
            host = c < 0 ? hostPort : hostPort.substring(0, c);
            port = c < 0 ? null : hostPort.substring(c + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("uri has an empty host in '" + hostPort + "' (URI-2)");
        }
        for (int i = 0; i < host.length(); i++) {
            char ch = host.charAt(i);
            if (!(Character.isLetterOrDigit(ch) || ch == '.' || ch == '-' || ch == '_' || ch == ':' || ch == '%')) {
                throw new IllegalArgumentException("uri host '" + host + "' contains '" + ch + "' (URI-2)");
            }
        }
        int p = -1;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = 0;
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("uri port '" + port + "' of host '" + host
                        + "' must be a number from 1 to 65535 (URI-2)");
            }
        }
        return new Endpoint(host, p);
    }

    private static String decode(String s, String what) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("uri " + what + " has a malformed %-escape (URI-2)", e);
        }
    }

    /**
     * Parses a duration option (URI-3) with {@link DurationText#parse}: {@code 500ms}, {@code 5s}, {@code 2m},
     * {@code 1h} or ISO-8601.
     *
     * @param option the option's name, for the message
     * @param text   the value
     * @return the duration
     */
    public static Duration parseDuration(String option, String text) {
        return DurationText.parse(text).orElseThrow(() -> new IllegalArgumentException("uri option " + option + "='" + text
                + "' is not a duration; write 500ms, 5s, 2m, 1h or ISO-8601 such as PT5S (URI-3)"));
    }
}
