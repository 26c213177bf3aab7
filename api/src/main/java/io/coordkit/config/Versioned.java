package io.coordkit.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

/**
 * A value with its version. Versions are assigned by the engine and strictly increase with every write of
 * the key, deletes and re-creations included (SPEC.md CFG-2).
 *
 * <p>A {@code byte[]} value is copied in and out, so a {@code Versioned<byte[]>} cannot be changed after it was
 * made, and two of them are equal when their bytes and versions are.
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
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (NAM-2)");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0 (NAM-2), was " + version);
        }
        value = copy(value);
    }

    /** @return the value; a {@code byte[]} value is a copy, changing it changes nothing here */
    @Override
    public T value() {
        return copy(value);
    }

    @SuppressWarnings("unchecked")
    private static <T> T copy(T value) {
        return value instanceof byte[] bytes ? (T) bytes.clone() : value;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Versioned<?> other) || version != other.version) {
            return false;
        }
        if (value instanceof byte[] mine && other.value instanceof byte[] theirs) {
            return Arrays.equals(mine, theirs);
        }
        return value.equals(other.value);
    }

    @Override
    public int hashCode() {
        int h = value instanceof byte[] bytes ? Arrays.hashCode(bytes) : value.hashCode();
        return 31 * h + Long.hashCode(version);
    }

    /**
     * @param f   the mapping
     * @param <R> the new type
     * @return the mapped value with the same version
     */
    public <R> Versioned<R> map(Function<? super T, ? extends R> f) {
        return new Versioned<>(f.apply(value()), version);
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
