package io.coordkit;

import io.coordkit.internal.Validation;

import java.time.Duration;
import java.util.Map;

/**
 * The argument checks every coordinator makes before it calls an engine (SPEC.md NAM-1 to NAM-5), for tools that
 * want to refuse bad input before they connect: a command-line client, a configuration loader, a test kit. Each
 * method returns its argument when it is valid and otherwise throws an {@link IllegalArgumentException} whose
 * message names the argument and the rule, exactly as the coordinator would.
 *
 * <pre>{@code
 * Arguments.name("key", "app/db/url");     // returns "app/db/url"
 * Arguments.name("key", "/app");           // IllegalArgumentException: key must not start or end with '/' (NAM-1): '/app'
 * Arguments.value("value", "jdbc:...");    // the UTF-8 bytes, at most 512 KiB (NAM-3)
 * }</pre>
 */
public final class Arguments {

    /** The largest value, in bytes (NAM-3): 512 KiB. */
    public static final int MAX_VALUE_BYTES = Validation.MAX_VALUE_BYTES;

    private Arguments() {
    }

    /**
     * @param argument the argument's name, for the message
     * @param name     a name: segments of {@code [A-Za-z0-9._-]} joined by '/' (NAM-1)
     * @return the name
     */
    public static String name(String argument, String name) {
        return Validation.name(argument, name);
    }

    /**
     * @param argument the argument's name
     * @param segment  a single segment, such as an instance id or a candidate id (NAM-1)
     * @return the segment
     */
    public static String segment(String argument, String segment) {
        return Validation.segment(argument, segment);
    }

    /**
     * @param argument the argument's name
     * @param prefix   the empty string (everything) or a name (NAM-1)
     * @return the prefix
     */
    public static String prefix(String argument, String prefix) {
        return Validation.prefix(argument, prefix);
    }

    /**
     * @param argument the argument's name
     * @param value    a value of at most {@link #MAX_VALUE_BYTES} bytes (NAM-3)
     * @return the value
     */
    public static byte[] value(String argument, byte[] value) {
        return Validation.value(argument, value);
    }

    /**
     * @param argument the argument's name
     * @param value    a string value, counted in UTF-8 bytes (NAM-3)
     * @return its UTF-8 bytes
     */
    public static byte[] value(String argument, String value) {
        return Validation.value(argument, value);
    }

    /**
     * @param argument the argument's name
     * @param metadata metadata of a service instance or candidate (NAM-4)
     * @return the metadata
     */
    public static Map<String, String> metadata(String argument, Map<String, String> metadata) {
        return Validation.metadata(argument, metadata);
    }

    /**
     * @param argument the argument's name
     * @param address  an instance address: 1 to 1024 characters, no whitespace or control characters (NAM-4)
     * @return the address
     */
    public static String address(String argument, String address) {
        return Validation.address(argument, address);
    }

    /**
     * @param argument the argument's name
     * @param wait     a wait from zero to one hour (NAM-5)
     * @return the wait
     */
    public static Duration waitTime(String argument, Duration wait) {
        return Validation.waitTime(argument, wait);
    }
}
