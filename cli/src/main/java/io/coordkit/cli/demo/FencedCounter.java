package io.coordkit.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fenced resource of the locking scenario: a counter served over TCP on 127.0.0.1 by the demo process, that
 * refuses any write whose fencing token is lower than the highest token it has seen (Kleppmann's "storage
 * service" in "How to do distributed locking"). It is a plain register: it stores what it is told, so an
 * increment computed from a stale read would be a lost update, which fencing prevents.
 *
 * <p>Protocol, one line each way: {@code GET} gets {@code VALUE n}; {@code PUT n token} gets {@code OK} or
 * {@code REJECTED highest}.
 */
final class FencedCounter implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> clients = new ArrayList<>();
    private final Thread acceptor;
    private long value;
    private long highestToken = Long.MIN_VALUE;
    private int accepted;
    private int rejected;

    private FencedCounter(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "demo-fenced-counter");
        this.acceptor.setDaemon(true);
    }

    /**
     * @return a counter at 0, listening on a free port of 127.0.0.1
     * @throws IOException if it cannot listen
     */
    static FencedCounter start() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        FencedCounter c = new FencedCounter(s);
        c.acceptor.start();
        return c;
    }

    /** @return the port it listens on */
    int port() {
        return server.getLocalPort();
    }

    /** @return the current value */
    synchronized long value() {
        return value;
    }

    /** @return how many writes it accepted */
    synchronized int accepted() {
        return accepted;
    }

    /** @return how many writes it refused */
    synchronized int rejected() {
        return rejected;
    }

    /** @return the highest fencing token seen */
    synchronized long highestToken() {
        return highestToken;
    }

    private synchronized String handle(String request) {
        String[] p = request.trim().split(" ");
        if (p.length == 1 && p[0].equals("GET")) {
            return "VALUE " + value;
        }
        if (p.length == 3 && p[0].equals("PUT")) {
            long newValue = Long.parseLong(p[1]);
            long token = Long.parseLong(p[2]);
            if (token < highestToken) {
                rejected++;
                return "REJECTED " + highestToken;
            }
            highestToken = token;
            value = newValue;
            accepted++;
            return "OK";
        }
        return "ERROR unknown request";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                synchronized (clients) {
                    clients.add(s);
                }
                Thread t = new Thread(() -> serve(s), "demo-fenced-counter-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s;
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8),
                     true)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String reply;
                try {
                    reply = handle(line);
                } catch (NumberFormatException e) {
                    reply = "ERROR " + e.getMessage();
                }
                out.println(reply);
            }
        } catch (IOException e) {
            // the client went away (killed, or closed): nothing to clean up beyond the socket
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (clients) {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    /** The client side, used by {@link LockWorker} in its own JVM. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final PrintWriter out;

        /**
         * @param port the counter's port on 127.0.0.1
         * @throws IOException if it cannot connect
         */
        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new PrintWriter(new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8), true);
        }

        /**
         * @return the counter's value
         * @throws IOException on a protocol or connection error
         */
        long read() throws IOException {
            String reply = call("GET");
            if (!reply.startsWith("VALUE ")) {
                throw new IOException("unexpected reply to GET: " + reply);
            }
            return Long.parseLong(reply.substring(6));
        }

        /**
         * @param value the new value
         * @param token the writer's fencing token
         * @return empty if accepted, otherwise the highest token the counter has seen
         * @throws IOException on a protocol or connection error
         */
        OptionalLong write(long value, long token) throws IOException {
            String reply = call("PUT " + value + " " + token);
            if (reply.equals("OK")) {
                return OptionalLong.empty();
            }
            if (reply.startsWith("REJECTED ")) {
                return OptionalLong.of(Long.parseLong(reply.substring(9)));
            }
            throw new IOException("unexpected reply to PUT: " + reply);
        }

        private String call(String request) throws IOException {
            out.println(request);
            String reply = in.readLine();
            if (reply == null) {
                throw new IOException("the fenced counter closed the connection");
            }
            return reply;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
