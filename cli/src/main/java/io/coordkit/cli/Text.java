package io.coordkit.cli;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Text helpers for plain, one-record-per-line output. */
final class Text {

    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^@/?#]*)@");

    private Text() {
    }

    /**
     * @param value bytes of a value
     * @return the bytes as UTF-8 text (malformed sequences replaced)
     */
    static String utf8(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    /**
     * Escapes a value so that it stays on one line: backslash, newline, carriage return, tab and other control
     * characters are written as {@code \\}, {@code \n}, {@code \r}, {@code \t} and {@code \}{@code uXXXX}.
     *
     * @param value the value as text
     * @return the escaped text
     */
    static String oneLine(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * @param value bytes of a value
     * @return the value as one escaped line of text
     */
    static String oneLine(byte[] value) {
        return oneLine(utf8(value));
    }

    /**
     * @param metadata metadata
     * @return {@code k=v} pairs sorted by key and separated by spaces, values escaped; empty for no metadata
     */
    static String metadata(Map<String, String> metadata) {
        return new TreeMap<>(metadata).entrySet().stream()
                .map(e -> e.getKey() + "=" + oneLine(e.getValue()))
                .collect(Collectors.joining(" "));
    }

    /**
     * @param uri a URI as the user gave it
     * @return the URI with any password replaced by {@code ***} (SPEC.md URI-5)
     */
    static String maskPassword(String uri) {
        var m = USER_INFO.matcher(uri);
        if (!m.find()) {
            return uri;
        }
        String userInfo = m.group(2);
        int colon = userInfo.indexOf(':');
        String masked = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***";
        return m.group(1) + masked + "@" + uri.substring(m.end());
    }
}
