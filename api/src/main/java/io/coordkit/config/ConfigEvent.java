package io.coordkit.config;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One notification of a config watch (SPEC.md CFG-6 to CFG-9).
 *
 * <ul>
 *   <li>{@link Type#PUT}: {@link #key()} now has {@link #value()} at {@link #version()}.</li>
 *   <li>{@link Type#DELETE}: {@link #key()} was deleted by the write of {@link #version()}.</li>
 *   <li>{@link Type#RESYNC}: the full state under the watched prefix is {@link #snapshot()}. Sent first when a
 *   watch starts, and again whenever the backend cannot prove it missed nothing (after a disconnect or a lost
 *   session, on backends without {@code WATCH_REPLAY}). Replace your view with the snapshot.</li>
 * </ul>
 */
public final class ConfigEvent {

    /** The kind of event. */
    public enum Type {
        /** A key was created or changed. */
        PUT,
        /** A key was deleted. */
        DELETE,
        /** The whole state under the watched prefix. */
        RESYNC
    }

    private final Type type;
    private final String key;
    private final byte[] value;
    private final long version;
    private final SortedMap<String, Versioned<byte[]>> snapshot;

    private ConfigEvent(Type type, String key, byte[] value, long version,
                        SortedMap<String, Versioned<byte[]>> snapshot) {
        this.type = type;
        this.key = key;
        this.value = value;
        this.version = version;
        this.snapshot = snapshot;
    }

    /**
     * @param key     the key
     * @param value   its new value
     * @param version its new version
     * @return a PUT event
     */
    public static ConfigEvent put(String key, byte[] value, long version) {
        return new ConfigEvent(Type.PUT, Objects.requireNonNull(key), value.clone(), version, null);
    }

    /**
     * @param key     the key
     * @param version the version of the delete (greater than the last version of the key), or the last
     *                version of the key where the engine gives no version to a delete
     * @return a DELETE event
     */
    public static ConfigEvent delete(String key, long version) {
        return new ConfigEvent(Type.DELETE, Objects.requireNonNull(key), null, version, null);
    }

    /**
     * @param prefix   the watched prefix
     * @param snapshot every key under it with its value and version
     * @return a RESYNC event
     */
    public static ConfigEvent resync(String prefix, Map<String, Versioned<byte[]>> snapshot) {
        return new ConfigEvent(Type.RESYNC, Objects.requireNonNull(prefix), null, -1,
                Collections.unmodifiableSortedMap(new TreeMap<>(snapshot)));
    }

    /** @return the type */
    public Type type() {
        return type;
    }

    /** @return the key (PUT, DELETE) or the watched prefix (RESYNC) */
    public String key() {
        return key;
    }

    /** @return the new value of a PUT, empty otherwise */
    public Optional<byte[]> value() {
        return Optional.ofNullable(value).map(byte[]::clone);
    }

    /** @return the new value of a PUT as UTF-8 text, empty otherwise */
    public Optional<String> valueAsString() {
        return Optional.ofNullable(value).map(v -> new String(v, StandardCharsets.UTF_8));
    }

    /** @return the version of a PUT or DELETE; -1 for RESYNC */
    public long version() {
        return version;
    }

    /** @return the snapshot of a RESYNC, empty for other types */
    public SortedMap<String, Versioned<byte[]>> snapshot() {
        return snapshot == null ? Collections.emptySortedMap() : snapshot;
    }

    @Override
    public String toString() {
        return switch (type) {
            case PUT -> "PUT " + key + " @" + version + " (" + value.length + " bytes)";
            case DELETE -> "DELETE " + key + " @" + version;
            case RESYNC -> "RESYNC " + key + " (" + snapshot.size() + " keys)";
        };
    }
}
