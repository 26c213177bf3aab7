package io.coordkit.redis;

import io.coordkit.CoordinationException;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stored form of an instance (address and metadata) and of a candidate's metadata: {@code byte 1} (format),
 * then strings as a 4-byte big-endian length and UTF-8 bytes: the address (instances only), the number of entries,
 * and each key and value, keys sorted. Redis stores it as an opaque value; NAM-4's limit keeps it under 512 KiB plus
 * a few KiB, far below Redis's 512 MB.
 */
final class Codec {

    private Codec() {
    }

    static byte[] encode(String address, Map<String, String> metadata) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            if (address != null) {
                string(out, address);
            }
            out.writeInt(metadata.size());
            for (Map.Entry<String, String> e : new TreeMap<>(metadata).entrySet()) {
                string(out, e.getKey());
                string(out, e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @return {address (or null), metadata} */
    static Object[] decode(byte[] data, boolean withAddress) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            if (in.readByte() != 1) {
                throw new CoordinationException("an entry in an unknown format was found in Redis");
            }
            String address = withAddress ? string(in) : null;
            int n = in.readInt();
            Map<String, String> meta = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                meta.put(string(in), string(in));
            }
            return new Object[] {address, meta};
        } catch (IOException e) {
            throw new CoordinationException("an entry in an unknown format was found in Redis", e);
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 20)) {
            throw new IOException("bad length " + n);
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
}
