package io.coordkit.testing.fault;

import io.coordkit.testing.FreePorts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 between one client and one engine endpoint, that can cut and restore the client's
 * connections: the fault behind SUSPENDED, RECONNECTED and LOST sessions.
 *
 * <ul>
 *   <li>{@link #cut()}: closes every connection and refuses new ones (they are accepted and closed at once), like a
 *   server that went away: the client notices at once.</li>
 *   <li>{@link #blackhole()}: keeps every connection open but forwards nothing either way, and accepts new
 *   connections without forwarding them, like a network partition: the client notices only by its own
 *   time-outs.</li>
 *   <li>{@link #delay(Duration)}: forwards every byte, in order, at least the delay after it arrived (each way),
 *   like a slow network: a request reaches the engine late, and its answer reaches the client late.</li>
 *   <li>{@link #restore()}: forwards again, without delay. Connections that were blackholed are closed first (bytes
 *   were lost, so their streams are broken) and the client reconnects.</li>
 * </ul>
 *
 * Thread-safe. Always close it: it owns a listening socket and threads.
 */
public final class TcpProxy implements AutoCloseable {

    /** What the proxy does with traffic. */
    public enum Mode {
        /** Forwards both ways. */
        OPEN,
        /** Refuses and closes every connection. */
        CUT,
        /** Holds connections open and drops every byte. */
        BLACKHOLE
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads;
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode = Mode.OPEN;
    private volatile long delayNanos;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = Objects.requireNonNull(target, "target");
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(FreePorts.loopback(), 0));
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "coordkit-tck-proxy-" + server.getLocalPort() + "-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        threads.execute(this::acceptLoop);
    }

    /**
     * Starts a proxy on a free port of 127.0.0.1.
     *
     * @param target where to forward, an address on this machine
     * @return the running proxy, forwarding
     * @throws UncheckedIOException if no port can be bound
     */
    public static TcpProxy start(InetSocketAddress target) {
        try {
            return new TcpProxy(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a TCP proxy to " + target, e);
        }
    }

    /** @return where clients connect: 127.0.0.1 and the proxy's port */
    public InetSocketAddress address() {
        return new InetSocketAddress(FreePorts.loopback().getHostAddress(), server.getLocalPort());
    }

    /** @return where the proxy forwards to */
    public InetSocketAddress target() {
        return target;
    }

    /** @return what the proxy does now */
    public Mode mode() {
        return mode;
    }

    /** @return how many client connections are open now */
    public int openConnections() {
        return links.size();
    }

    /** @return how many client connections were accepted since the start */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Closes every connection and refuses new ones until {@link #restore()}. */
    public void cut() {
        mode = Mode.CUT;
        closeAllLinks();
    }

    /** Keeps connections open but forwards nothing until {@link #restore()}. */
    public void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    /**
     * Holds every byte back for the delay before forwarding it, in both directions, on open and new connections;
     * bytes that arrive while earlier ones wait are held back after them (so the delay is a minimum). Nothing is
     * lost. {@link #restore()} or a zero delay ends it.
     *
     * @param delay how long to hold bytes back
     */
    public void delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + delay);
        }
        delayNanos = delay.toNanos();
    }

    /** Forwards again, without delay; connections that were blackholed are closed so that the client opens new ones. */
    public void restore() {
        delayNanos = 0;
        Mode before = mode;
        if (before == Mode.BLACKHOLE) {
            mode = Mode.CUT;
            closeAllLinks();
        }
        mode = Mode.OPEN;
    }

    /** Stops listening and closes every connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        mode = Mode.CUT;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeAllLinks();
        threads.shutdownNow();
        // The JDK closes a socket that another thread is blocked on (our accept loop) only once that thread has
        // left the call: wait for it, so that the port is free when close() returns.
        try {
            if (!threads.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("TcpProxy threads did not stop within 5 s: " + this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TcpProxy[" + address() + " -> " + target + ", " + mode + ", " + links.size() + " open]";
    }

    private void closeAllLinks() {
        for (Link link : new ArrayList<>(links)) {
            link.close();
        }
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
            accepted.incrementAndGet();
            Mode now = mode;
            if (now == Mode.CUT) {
                closeQuietly(client);
                continue;
            }
            Link link = new Link(client);
            links.add(link);
            if (now == Mode.BLACKHOLE) {
                threads.execute(() -> pump(link, client, null));
                continue;
            }
            threads.execute(() -> connectAndPump(link));
        }
    }

    private void connectAndPump(Link link) {
        Socket upstream = new Socket();
        try {
            upstream.setTcpNoDelay(true);
            link.client.setTcpNoDelay(true);
            upstream.connect(target, 2000);
        } catch (IOException e) {
            closeQuietly(upstream);
            link.close();
            return;
        }
        if (!link.attach(upstream)) {
            return;
        }
        threads.execute(() -> pump(link, upstream, link.client));
        pump(link, link.client, upstream);
    }

    /** Copies from {@code from} to {@code to} while the mode is OPEN (after the delay); drops bytes otherwise. */
    private void pump(Link link, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to == null ? null : to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long delay = delayNanos;
                if (delay > 0) {
                    Thread.sleep(delay / 1_000_000, (int) (delay % 1_000_000));
                }
                if (mode == Mode.OPEN && out != null) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (SocketException e) {
            // closed by cut(), close() or the other side
        } catch (IOException e) {
            // any I/O error ends the link
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close(): the threads are stopped
        } finally {
            link.close();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** One client connection and its upstream connection. */
    private final class Link {
        private final Socket client;
        private Socket upstream;
        private boolean linkClosed;

        Link(Socket client) {
            this.client = client;
        }

        synchronized boolean attach(Socket up) {
            if (linkClosed) {
                closeQuietly(up);
                return false;
            }
            this.upstream = up;
            return true;
        }

        void close() {
            List<Socket> toClose = new ArrayList<>(2);
            synchronized (this) {
                if (linkClosed) {
                    return;
                }
                linkClosed = true;
                toClose.add(client);
                if (upstream != null) {
                    toClose.add(upstream);
                }
            }
            links.remove(this);
            toClose.forEach(TcpProxy::closeQuietly);
        }
    }
}
