package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.registry.ServiceInstance;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary form of instance and candidate data. Every string is a big-endian 4-byte length followed by its
 * UTF-8 bytes:
 *
 * <pre>
 * instance:  byte 1 (format), string address, int n, n x (string key, string value)   keys sorted
 * metadata:  byte 1 (format), int n, n x (string key, string value)                   keys sorted
 * </pre>
 */
final class Codec {

    private static final byte FORMAT = 1;

    /**
     * The most node data written. ZooKeeper's server drops the connection (instead of failing the operation) on
     * a request larger than its {@code jute.maxbuffer}, 1 MiB by default; the rest leaves room for the path,
     * the ACLs and the request's header. NAM-4 metadata counts the 8 bytes of lengths per entry, so valid input
     * stays far below this; the check guards against a change of the encoding.
     */
    static final int MAX_DATA = 1024 * 1024 - 16 * 1024;

    private Codec() {
    }

    /**
     * @param instance an instance
     * @return its node data (the id is in the node's name)
     * @throws CoordinationException if it is larger than {@link #MAX_DATA}
     */
    static byte[] instance(ServiceInstance instance) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeString(out, instance.address());
            writeMap(out, instance.metadata());
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing to memory", e);
        }
        return checked(bytes.toByteArray(), "instance '" + instance.id() + "'");
    }

    /**
     * @param id   the instance id, from the node's name
     * @param data the node's data
     * @return the instance
     * @throws CoordinationException if the data is not an instance
     */
    static ServiceInstance instance(String id, byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            checkFormat(in);
            String address = readString(in);
            return new ServiceInstance(id, address, readMap(in));
        } catch (IOException | RuntimeException e) {
            throw new CoordinationException("the registry entry of instance '" + id
                    + "' is not in coordkit's format (written by another tool?): " + e.getMessage(), e);
        }
    }

    /**
     * @param metadata candidate metadata
     * @return its node data
     * @throws CoordinationException if it is larger than {@link #MAX_DATA}
     */
    static byte[] metadata(Map<String, String> metadata) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeMap(out, metadata);
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing to memory", e);
        }
        return checked(bytes.toByteArray(), "the candidate");
    }

    /**
     * @param what what the data belongs to, for the message
     * @param data node data
     * @return the metadata
     * @throws CoordinationException if the data is not metadata
     */
    static Map<String, String> metadata(String what, byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            checkFormat(in);
            return readMap(in);
        } catch (IOException | RuntimeException e) {
            throw new CoordinationException("the data of " + what
                    + " is not in coordkit's format (written by another tool?): " + e.getMessage(), e);
        }
    }

    private static byte[] checked(byte[] data, String what) {
        if (data.length > MAX_DATA) {
            throw new CoordinationException("the metadata of " + what + " takes " + data.length
                    + " bytes in ZooKeeper (with 8 bytes of lengths per entry), more than the " + MAX_DATA
                    + " a node can hold here; use fewer or larger entries");
        }
        return data;
    }

    private static void checkFormat(DataInputStream in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("unknown format " + format);
        }
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad entry count " + n);
        }
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            map.put(readString(in), readString(in));
        }
        if (in.available() != 0) {
            throw new IOException(in.available() + " trailing bytes");
        }
        return Map.copyOf(map);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
