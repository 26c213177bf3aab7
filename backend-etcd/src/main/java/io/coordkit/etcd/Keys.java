package io.coordkit.etcd;

import io.coordkit.CoordinationException;
import io.coordkit.registry.ServiceInstance;
import io.etcd.jetcd.ByteSequence;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a namespace's data lives in etcd's flat key space, and how members are encoded.
 *
 * <pre>
 * coordkit/&lt;ns&gt;~/config/&lt;key&gt;                          value as given; version = mod revision
 * coordkit/&lt;ns&gt;~/locks/&lt;name&gt;~/&lt;lease&gt;-&lt;slot&gt;         lock waiters and holders, on the session lease
 * coordkit/&lt;ns&gt;~/rwlocks/&lt;name&gt;~/r-&lt;lease&gt;-&lt;slot&gt;, w-...  read-write lock
 * coordkit/&lt;ns&gt;~/semaphores/&lt;name&gt;~/&lt;lease&gt;-&lt;slot&gt;    value = permits (keys: {@link MemberKeys})
 * coordkit/&lt;ns&gt;~/registry/&lt;service&gt;~/&lt;id&gt;              instance (address + metadata)
 * coordkit/&lt;ns&gt;~/elections/&lt;name&gt;~/&lt;id&gt;                candidate (metadata)
 * </pre>
 *
 * The namespace ends with {@code ~}, a character no name may hold (NAM-1), so namespace {@code a/config} never
 * shares a key with namespace {@code a} (NAM-7); member directories end with {@code ~} for the same reason
 * (lock {@code x} and lock {@code x/y} never share waiters).
 */
final class Keys {

    /** Upper bound of a prefix range over member directories: the byte after '/'. */
    private static final String AFTER_SLASH = "0";

    private final String base;

    /** @param namespace the coordinator's namespace */
    Keys(String namespace) {
        this.base = "coordkit/" + namespace + "~/";
    }

    /** @return the namespace's base, ending with {@code ~/} */
    String base() {
        return base;
    }

    /**
     * @param key a config key
     * @return its etcd key
     */
    ByteSequence config(String key) {
        return bytes(base + "config/" + key);
    }

    /** @return the etcd key prefix of all config keys */
    String configBase() {
        return base + "config/";
    }

    /**
     * @param area    {@code locks}, {@code rwlocks}, {@code semaphores}, {@code registry} or {@code elections}
     * @param name    the primitive's name
     * @return the directory of that primitive's members, ending with {@code ~/}
     */
    String directory(String area, String name) {
        return base + area + "/" + name + "~/";
    }

    /**
     * The range of a config prefix by whole segments: {@code [p, p0)} holds {@code p}, {@code p/...} and also
     * {@code p-...}, {@code p....} (bytes below '/'), which {@link #inConfigPrefix} filters out.
     *
     * @param prefix a config prefix, "" for all
     * @return start and end (exclusive) of the range
     */
    ByteSequence[] configRange(String prefix) {
        if (prefix.isEmpty()) {
            return new ByteSequence[]{bytes(configBase()), prefixEnd(configBase())};
        }
        String p = configBase() + prefix;
        return new ByteSequence[]{bytes(p), bytes(p + AFTER_SLASH)};
    }

    /**
     * @param etcdKey an etcd key within {@link #configRange}
     * @param prefix  the config prefix
     * @return the config key, or null if the key is not under the prefix by whole segments
     */
    String inConfigPrefix(ByteSequence etcdKey, String prefix) {
        String k = etcdKey.toString(StandardCharsets.UTF_8);
        if (!k.startsWith(configBase())) {
            return null;
        }
        String key = k.substring(configBase().length());
        if (prefix.isEmpty() || key.equals(prefix) || key.startsWith(prefix + "/")) {
            return key;
        }
        return null;
    }

    /**
     * @param s a string
     * @return its UTF-8 bytes
     */
    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /**
     * @param prefix a key prefix
     * @return the first key after every key with that prefix (etcd's range end of a prefix)
     */
    static ByteSequence prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != (byte) 0xff) {
                b[i]++;
                byte[] end = new byte[i + 1];
                System.arraycopy(b, 0, end, 0, i + 1);
                return ByteSequence.from(end);
            }
        }
        return ByteSequence.from(new byte[]{0});
    }

    /**
     * @param etcdKey   a member key
     * @param directory its directory
     * @return the member's name within the directory
     */
    static String memberName(ByteSequence etcdKey, String directory) {
        String k = etcdKey.toString(StandardCharsets.UTF_8);
        return k.startsWith(directory) ? k.substring(directory.length()) : k;
    }

    // ---- member encoding: byte 1, string address, int n, n x (key, value); strings as length + UTF-8

    static ByteSequence encodeInstance(ServiceInstance instance) {
        return ByteSequence.from(encode(instance.address(), instance.metadata()));
    }

    static ServiceInstance decodeInstance(String id, ByteSequence value) {
        try {
            DataInputStream in = input(value);
            String address = readString(in);
            return new ServiceInstance(id, address, readMap(in));
        } catch (IOException e) {
            throw new CoordinationException("instance " + id + " is not in coordkit's format", e);
        }
    }

    static ByteSequence encodeMetadata(Map<String, String> metadata) {
        return ByteSequence.from(encode(null, metadata));
    }

    static Map<String, String> decodeMetadata(String id, ByteSequence value) {
        try {
            return readMap(input(value));
        } catch (IOException e) {
            throw new CoordinationException("candidate " + id + " is not in coordkit's format", e);
        }
    }

    private static byte[] encode(String address, Map<String, String> metadata) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            if (address != null) {
                writeString(out, address);
            }
            TreeMap<String, String> sorted = new TreeMap<>(metadata);
            out.writeInt(sorted.size());
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static DataInputStream input(ByteSequence value) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value.getBytes()));
        if (in.readByte() != 1) {
            throw new IOException("unknown format byte");
        }
        return in;
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative count");
        }
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            m.put(readString(in), readString(in));
        }
        return m;
    }

    private static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > in.available()) {
            throw new IOException("bad length " + len);
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
