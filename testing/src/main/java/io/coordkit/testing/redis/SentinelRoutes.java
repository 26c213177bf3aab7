package io.coordkit.testing.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A proxy in front of one Sentinel that tells a client the addresses of its own proxies instead of the servers'
 * addresses: in every reply of the Sentinel, an array of exactly two strings {@code [host, port]} whose port is a
 * server's client port (the answer to {@code SENTINEL get-master-addr-by-name}) becomes that server's route. So a
 * client that finds the master through Sentinels can still be cut from one server, as the TCK does with a
 * {@link io.coordkit.testing.fault.TcpProxy} per endpoint. Requests pass unchanged; replies are RESP2 (what the
 * Redis backend speaks). Test equipment of {@link RedisCluster#connectStringVia}, not a general Redis proxy.
 */
final class SentinelRoutes implements AutoCloseable {

    private final InetSocketAddress sentinel;
    private final Map<Integer, InetSocketAddress> routes;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SentinelRoutes(InetSocketAddress sentinel, Map<Integer, InetSocketAddress> routes) throws IOException {
        this.sentinel = sentinel;
        this.routes = Map.copyOf(routes);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "sentinel-routes-" + sentinel.getPort());
        t.setDaemon(true);
        t.start();
    }

    /**
     * @param sentinel where the Sentinel listens
     * @param routes   a server's client port to the address clients must use for it instead
     * @return the running proxy
     */
    static SentinelRoutes start(InetSocketAddress sentinel, Map<Integer, InetSocketAddress> routes) {
        try {
            return new SentinelRoutes(sentinel, routes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a proxy for the Sentinel at " + sentinel, e);
        }
    }

    /** @return where clients connect to it */
    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress().getHostAddress(), server.getLocalPort());
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            Socket upstream = new Socket();
            sockets.add(client);
            sockets.add(upstream);
            daemon("sentinel-routes-link", () -> {
                try {
                    upstream.connect(sentinel, 2000);
                } catch (IOException e) {
                    done(client, upstream);
                    return;
                }
                daemon("sentinel-routes-up", () -> pump(client, upstream));
                replies(upstream, client);
            });
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Requests: copied as they come. */
    private void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed
        } finally {
            done(from, to);
        }
    }

    private void done(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        sockets.remove(a);
        sockets.remove(b);
    }

    /** Replies: one RESP value at a time, routes put in. */
    private void replies(Socket from, Socket to) {
        try {
            InputStream in = new BufferedInputStream(from.getInputStream());
            OutputStream out = new BufferedOutputStream(to.getOutputStream());
            while (!closed) {
                out.write(rewrite(in, routes).raw());
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            done(from, to);
        }
    }

    /** One RESP value as read, or as rewritten; {@code text} is set for a (non-null) bulk string. */
    record Value(byte[] raw, String text) {
    }

    /**
     * Reads one RESP2 value and returns it with every {@code [host, port]} pair of a routed port replaced.
     *
     * @param in     the Sentinel's replies
     * @param routes a server's client port to the address to tell instead
     * @return the value to send on
     * @throws IOException if the stream ends or is not RESP2
     */
    static Value rewrite(InputStream in, Map<Integer, InetSocketAddress> routes) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException();
        }
        String line = line(in);
        byte[] head = ((char) type + line + "\r\n").getBytes(StandardCharsets.UTF_8);
        switch (type) {
            case '+', '-', ':':
                return new Value(head, null);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return new Value(head, null);
                }
                byte[] body = in.readNBytes(n + 2);
                if (body.length != n + 2) {
                    throw new EOFException();
                }
                return new Value(concat(List.of(head, body)), new String(body, 0, n, StandardCharsets.UTF_8));
            }
            case '*': {
                int n = Integer.parseInt(line);
                List<Value> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(rewrite(in, routes));
                }
                if (n == 2 && items.get(0).text() != null && items.get(1).text() != null) {
                    InetSocketAddress route = routes.get(port(items.get(1).text()));
                    if (route != null) {
                        return new Value(concat(List.of(head, bulk(route.getHostString()),
                                bulk(Integer.toString(route.getPort())))), null);
                    }
                }
                List<byte[]> parts = new ArrayList<>();
                parts.add(head);
                items.forEach(v -> parts.add(v.raw()));
                return new Value(concat(parts), null);
            }
            default:
                throw new IOException("not a RESP2 reply: type '" + (char) type + "'");
        }
    }

    private static int port(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static byte[] bulk(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(List.of(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8), b,
                "\r\n".getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("malformed RESP line: " + sb);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        throw new EOFException();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(SentinelRoutes::closeQuietly);
        sockets.clear();
    }

    @Override
    public String toString() {
        return "SentinelRoutes[" + address() + " -> " + sentinel + ", routes " + routes + "]";
    }
}
