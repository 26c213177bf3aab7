package io.coordkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports on 127.0.0.1. A port is found by binding an ephemeral port and closing it at once; this JVM never
 * hands out the same port twice, so launchers that reserve several ports before starting servers do not collide
 * with each other. Another program may still take the port in between; no launcher retries then: the server fails
 * to bind and exits (or never serves), and the cluster's start fails with the last lines of the node's log.
 */
public final class FreePorts {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private FreePorts() {
    }

    /** @return the loopback address every TCK server binds to */
    public static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    /**
     * @return a port on 127.0.0.1 that was free a moment ago and was never returned before by this JVM
     * @throws UncheckedIOException if no port can be bound
     */
    public static synchronized int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(loopback(), 0));
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a free port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("no new free port found on 127.0.0.1 in 100 attempts");
    }

    /**
     * @param count how many ports
     * @return that many distinct free ports
     */
    public static int[] next(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = next();
        }
        return ports;
    }

    /**
     * @param port a port on 127.0.0.1
     * @return true if something accepts connections on it now
     */
    public static boolean isListening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(loopback(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
