package io.coordkit.internal;

import io.coordkit.DurationText;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The argument checks of SPEC.md NAM-*, done once by the core for every backend, before any I/O. Every failure
 * is an {@link IllegalArgumentException} whose message names the argument and the rule. Internal; tools outside the
 * core use the same checks through the public {@link io.coordkit.Arguments}.
 */
public final class Validation {

    /** NAM-1: characters of a segment. */
    static final int MAX_SEGMENT_LENGTH = 128;
    /** NAM-1: segments of a name. */
    static final int MAX_DEPTH = 16;
    /** NAM-3: bytes of a value. */
    public static final int MAX_VALUE_BYTES = 512 * 1024;
    /** NAM-4: characters of a metadata key. */
    static final int MAX_METADATA_KEY_LENGTH = 128;
    /**
     * NAM-4: bytes each metadata entry counts besides its key and value, so that a backend can store the lengths
     * of both and stay within what its engine takes for one record.
     */
    static final int METADATA_ENTRY_OVERHEAD = 8;
    /** NAM-4: characters of an address. */
    static final int MAX_ADDRESS_LENGTH = 1024;
    /** NAM-5: the longest wait. */
    static final Duration MAX_WAIT = Duration.ofHours(1);
    /** NAM-6: semaphore permits. */
    static final int MAX_PERMITS = 1024;

    private Validation() {
    }

    /**
     * @param argument the argument's name, for the message
     * @param value    the value
     * @param <T>      its type
     * @return the value
     * @throws IllegalArgumentException if it is null (NAM-2)
     */
    public static <T> T notNull(String argument, T value) {
        if (value == null) {
            throw new IllegalArgumentException(argument + " must not be null (NAM-2)");
        }
        return value;
    }

    /**
     * Checks a name (NAM-1): segments of {@code [A-Za-z0-9._-]} joined by '/'.
     *
     * @param argument the argument's name
     * @param name     the name
     * @return the name
     */
    public static String name(String argument, String name) {
        notNull(argument, name);
        if (name.isEmpty()) {
            throw new IllegalArgumentException(argument + " must not be empty (NAM-1)");
        }
        if (name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalArgumentException(argument + " must not start or end with '/' (NAM-1): '"
                    + shorten(name) + "'");
        }
        String[] segments = name.split("/", -1);
        if (segments.length > MAX_DEPTH) {
            throw new IllegalArgumentException(argument + " has " + segments.length + " segments, at most "
                    + MAX_DEPTH + " allowed (NAM-1): '" + shorten(name) + "'");
        }
        for (String segment : segments) {
            checkSegment(argument, name, segment);
        }
        return name;
    }

    /**
     * Checks a single segment (NAM-1): an instance id or a candidate id.
     *
     * @param argument the argument's name
     * @param segment  the value
     * @return the value
     */
    public static String segment(String argument, String segment) {
        notNull(argument, segment);
        if (segment.indexOf('/') >= 0) {
            throw new IllegalArgumentException(argument + " must be a single segment without '/' (NAM-1): '"
                    + shorten(segment) + "'");
        }
        checkSegment(argument, segment, segment);
        return segment;
    }

    /**
     * Checks a prefix: the empty string (everything) or a name (NAM-1).
     *
     * @param argument the argument's name
     * @param prefix   the prefix
     * @return the prefix
     */
    public static String prefix(String argument, String prefix) {
        notNull(argument, prefix);
        return prefix.isEmpty() ? prefix : name(argument, prefix);
    }

    private static void checkSegment(String argument, String whole, String segment) {
        if (segment.isEmpty()) {
            throw new IllegalArgumentException(argument + " must not contain an empty segment ('//') (NAM-1): '"
                    + shorten(whole) + "'");
        }
        if (segment.length() > MAX_SEGMENT_LENGTH) {
            throw new IllegalArgumentException(argument + " has a segment of " + segment.length()
                    + " characters, at most " + MAX_SEGMENT_LENGTH + " allowed (NAM-1)");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new IllegalArgumentException(argument + " must not contain the segment '" + segment
                    + "' (NAM-1): '" + shorten(whole) + "'");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new IllegalArgumentException(argument + " contains the character " + describe(c)
                        + "; only A-Z a-z 0-9 . _ - and '/' between segments are allowed (NAM-1): '"
                        + shorten(whole) + "'");
            }
        }
    }

    /**
     * Checks a value's size (NAM-3).
     *
     * @param argument the argument's name
     * @param value    the value
     * @return the value
     */
    public static byte[] value(String argument, byte[] value) {
        notNull(argument, value);
        if (value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(argument + " has " + value.length + " bytes, at most "
                    + MAX_VALUE_BYTES + " (512 KiB) allowed (NAM-3)");
        }
        return value;
    }

    /**
     * Checks a string value (NAM-3) and encodes it.
     *
     * @param argument the argument's name
     * @param value    the value
     * @return its UTF-8 bytes
     */
    public static byte[] value(String argument, String value) {
        return value(argument, notNull(argument, value).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks metadata (NAM-4).
     *
     * @param argument the argument's name
     * @param metadata the map
     * @return the map
     */
    public static Map<String, String> metadata(String argument, Map<String, String> metadata) {
        notNull(argument, metadata);
        long bytes = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException(argument + " has a null or blank key (NAM-4)");
            }
            if (key.length() > MAX_METADATA_KEY_LENGTH) {
                throw new IllegalArgumentException(argument + " key '" + shorten(key) + "' has " + key.length()
                        + " characters, at most " + MAX_METADATA_KEY_LENGTH + " allowed (NAM-4)");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException(argument + " key '" + key + "' has a null value (NAM-4)");
            }
            bytes += key.getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length
                    + METADATA_ENTRY_OVERHEAD;
        }
        if (bytes > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(argument + " counts " + bytes + " bytes (keys and values in UTF-8, "
                    + "plus " + METADATA_ENTRY_OVERHEAD + " per entry), at most " + MAX_VALUE_BYTES
                    + " (512 KiB) allowed (NAM-4)");
        }
        return metadata;
    }

    /**
     * Checks an address (NAM-4).
     *
     * @param argument the argument's name
     * @param address  the address
     * @return the address
     */
    public static String address(String argument, String address) {
        notNull(argument, address);
        if (address.isEmpty() || address.length() > MAX_ADDRESS_LENGTH) {
            throw new IllegalArgumentException(argument + " must have 1 to " + MAX_ADDRESS_LENGTH
                    + " characters, has " + address.length() + " (NAM-4)");
        }
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException(argument + " must not contain whitespace or control characters,"
                        + " found " + describe(c) + " (NAM-4): '" + shorten(address) + "'");
            }
        }
        return address;
    }

    /**
     * Checks a wait (NAM-5).
     *
     * @param argument the argument's name
     * @param wait     the wait
     * @return the wait
     */
    public static Duration waitTime(String argument, Duration wait) {
        notNull(argument, wait);
        if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException(argument + " must be between 0 and 1 hour (NAM-5), was " + wait);
        }
        return wait;
    }

    /**
     * Checks an option's duration (NAM-6).
     *
     * @param argument the option's name
     * @param value    the value
     * @param min      the least allowed
     * @param max      the most allowed
     * @return the value
     */
    public static Duration option(String argument, Duration value, Duration min, Duration max) {
        notNull(argument, value);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(argument + " must be between " + DurationText.format(min) + " and " + DurationText.format(max)
                    + " (NAM-6), was " + DurationText.format(value));
        }
        return value;
    }

    /**
     * Checks semaphore permits (NAM-6).
     *
     * @param argument the argument's name
     * @param permits  the permits
     * @return the permits
     */
    public static int permits(String argument, int permits) {
        if (permits < 1 || permits > MAX_PERMITS) {
            throw new IllegalArgumentException(argument + " must be between 1 and " + MAX_PERMITS + " (NAM-6), was "
                    + permits);
        }
        return permits;
    }

    private static String describe(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c)
                ? String.format("U+%04X", (int) c)
                : "'" + c + "'";
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
