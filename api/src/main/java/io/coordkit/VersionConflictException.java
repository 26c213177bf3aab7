package io.coordkit;

import java.util.OptionalLong;

/**
 * A conditional write (compare-and-set, put-if-absent, conditional delete) was refused because the key's
 * version was not the expected one. Nothing was written.
 */
public class VersionConflictException extends CoordinationException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final long expectedVersion;
    private final Long actualVersion;

    /**
     * @param key             the key
     * @param expectedVersion the version the caller expected ({@code Versioned.ABSENT} for "no value")
     * @param actualVersion   the version found, when the engine told it ({@code Versioned.ABSENT} for "no
     *                        value"), otherwise empty
     */
    public VersionConflictException(String key, long expectedVersion, OptionalLong actualVersion) {
        super("version conflict on key '" + key + "': expected "
                + (expectedVersion < 0 ? "no value" : "version " + expectedVersion) + ", found "
                + (actualVersion.isEmpty() ? "another version"
                : actualVersion.getAsLong() < 0 ? "no value" : "version " + actualVersion.getAsLong()));
        this.key = key;
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion.isPresent() ? actualVersion.getAsLong() : null;
    }

    /** @return the key of the refused write */
    public String key() {
        return key;
    }

    /** @return the version the caller expected */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** @return the version found, when known */
    public OptionalLong actualVersion() {
        return actualVersion == null ? OptionalLong.empty() : OptionalLong.of(actualVersion);
    }
}
