package io.coordkit.zookeeper;

import java.util.Arrays;

/**
 * The data of a config node: a one-byte header, then the value.
 *
 * <ul>
 *   <li>{@code 1} followed by the value: the key has a value;</li>
 *   <li>{@code 0}: the key has no value (a tombstone left by a delete);</li>
 *   <li>empty: the key has no value (a parent created for a deeper key).</li>
 * </ul>
 *
 * A delete writes a tombstone instead of removing the node, so the node's dataVersion (the key's version)
 * keeps increasing across deletes and re-creations (SPEC.md CFG-2).
 */
final class ConfigData {

    private static final byte PRESENT = 1;
    private static final byte[] TOMBSTONE = {0};

    private ConfigData() {
    }

    /**
     * @param value a value
     * @return the node data holding it
     */
    static byte[] value(byte[] value) {
        byte[] data = new byte[value.length + 1];
        data[0] = PRESENT;
        System.arraycopy(value, 0, data, 1, value.length);
        return data;
    }

    /** @return the node data of a deleted key */
    static byte[] tombstone() {
        return TOMBSTONE.clone();
    }

    /**
     * @param data node data, may be null
     * @return true if it holds a value
     */
    static boolean hasValue(byte[] data) {
        return data != null && data.length > 0 && data[0] == PRESENT;
    }

    /**
     * @param data node data that {@link #hasValue holds a value}
     * @return the value
     */
    static byte[] valueOf(byte[] data) {
        return Arrays.copyOfRange(data, 1, data.length);
    }
}
