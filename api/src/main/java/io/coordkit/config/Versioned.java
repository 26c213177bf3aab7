package io.coordkit.config;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;

/**
 * A value with its version. Versions are assigned by the engine and strictly increase with every write of
 * the key, deletes and re-creations included (SPEC.md CFG-2).
 *
 * @param value   the value
 * @param version the version, zero or greater
 * @param <T>     the value's type
 */
public record Versioned<T>(T value, long version) {

    /** The expected version that means "the key has no value" in compare-and-set. */
    public static final long ABSENT = -1;

    /** Checks the arguments. */
    public Versioned {
        Objects.requireNonNull(value, "value");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
    }

    /**
     * @param f   the mapping
     * @param <R> the new type
     * @return the mapped value with the same version
     */
    public <R> Versioned<R> map(Function<? super T, ? extends R> f) {
        return new Versioned<>(f.apply(value), version);
    }

    /**
     * @param bytes a versioned UTF-8 value
     * @return it as a string
     */
    public static Versioned<String> utf8(Versioned<byte[]> bytes) {
        return bytes.map(b -> new String(b, StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        String shown = value instanceof byte[] b ? b.length + " bytes" : String.valueOf(value);
        return "Versioned[" + shown + " @" + version + "]";
    }
}
