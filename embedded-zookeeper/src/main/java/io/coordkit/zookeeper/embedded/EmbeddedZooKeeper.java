package io.coordkit.zookeeper.embedded;

import io.coordkit.BackendUnavailableException;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A standalone ZooKeeper server running inside this JVM, for demos, tests and the {@code embedded:} scheme
 * ({@link EmbeddedZooKeeperProvider}). It lives in a module of its own, {@code coordkit-zookeeper-embedded}, because
 * ZooKeeper's server needs libraries (Dropwizard metrics, snappy) that a client of {@code zookeeper://} does not.
 *
 * <p>The server listens on a free port of 127.0.0.1 only, keeps its data in a temporary directory that
 * {@link #close()} deletes, has the admin server off, and uses a tick of 200 ms with session timeouts allowed
 * from 1 s to 10 min, so every coordkit session TTL is honoured as asked. The four-letter words {@code srvr},
 * {@code ruok}, {@code mntr} and {@code stat} are enabled (coordkit's health report uses {@code srvr}). Other
 * processes can use it through {@link #uri(String)}:
 *
 * <pre>{@code
 * try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper().start();
 *      Coordinator c = Coordinators.connect(zk.uri("demo"))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>The server never exits the JVM: errors are logged. A JVM shutdown hook stops it and deletes its data if
 * {@link #close()} was not called; the data left by a JVM killed outright is removed by the next
 * {@code start()} on the host. Durability: writes are not forced to disk ({@code forceSync=no}); the data
 * lives only as long as this object anyway.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

    /** The tick of the embedded server; sessions expire at the granularity of a tick. */
    public static final Duration TICK = Duration.ofMillis(200);
    /** The shortest session timeout the server grants. */
    public static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(1);
    /** The longest session timeout the server grants. */
    public static final Duration MAX_SESSION_TIMEOUT = Duration.ofMinutes(10);

    private static final String HOST = "127.0.0.1";
    private static final String DIR_PREFIX = "coordkit-zk-";
    /** Holds the pid of the JVM that owns a data directory, so that the data of killed JVMs can be removed. */
    private static final String OWNER_FILE = "owner.pid";
    private static final int PORT_ATTEMPTS = 3;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private Path baseDir;
    private int port = -1;
    private ZooKeeperServerEmbedded server;
    private Thread shutdownHook;
    private boolean closed;

    /** Creates a server; {@link #start()} starts it. */
    public EmbeddedZooKeeper() {
    }

    /**
     * Starts the server on a free port of 127.0.0.1 and waits until it serves clients.
     *
     * @return this
     * @throws IllegalStateException       if it was already started or closed
     * @throws BackendUnavailableException if the server could not be started; nothing is left behind
     */
    public synchronized EmbeddedZooKeeper start() {
        if (closed || server != null) {
            throw new IllegalStateException(closed ? "the embedded ZooKeeper is closed"
                    : "the embedded ZooKeeper is already started");
        }
        checkServerClasses();
        removeDataOfDeadProcesses();
        try {
            baseDir = Files.createTempDirectory(DIR_PREFIX);
            Files.writeString(baseDir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot create a data directory for the embedded ZooKeeper", e);
        }
        shutdownHook = new Thread(this::close, "coordkit-embedded-zookeeper-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Exception last = null;
        for (int attempt = 0; attempt < PORT_ATTEMPTS && server == null; attempt++) {
            try {
                startOn(freePort());
            } catch (Exception e) {
                // most likely another process took the free port between our check and the server's bind
                LOG.warn("embedded ZooKeeper did not start on port {} ({}); trying another port", port, e.toString());
                last = e;
            }
        }
        if (server == null) {
            close();
            throw new BackendUnavailableException("the embedded ZooKeeper did not start after " + PORT_ATTEMPTS
                    + " attempts: " + last, last);
        }
        LOG.info("embedded ZooKeeper serves {} (data in {})", connectString(), baseDir);
        return this;
    }

    /**
     * @return the client connection string, {@code 127.0.0.1:<port>}
     * @throws IllegalStateException if the server was not started
     */
    public synchronized String connectString() {
        if (port < 0) {
            throw new IllegalStateException("the embedded ZooKeeper was not started");
        }
        return HOST + ":" + port;
    }

    /**
     * @return the client port
     * @throws IllegalStateException if the server was not started
     */
    public synchronized int port() {
        connectString();
        return port;
    }

    /**
     * @param namespace the coordkit namespace (SPEC.md NAM-1); checked when the URI is used
     * @return {@code zookeeper://127.0.0.1:<port>/<namespace>}, a URI other processes can connect to
     * @throws IllegalStateException if the server was not started
     */
    public String uri(String namespace) {
        Objects.requireNonNull(namespace, "namespace must not be null");
        return "zookeeper://" + connectString() + "/" + namespace;
    }

    /** @return the temporary directory of the server's data (deleted by {@link #close()}), or null before {@link #start()} */
    public synchronized Path baseDir() {
        return baseDir;
    }

    /** @return true while the server runs */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the server and deletes its data. Idempotent; never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopServer();
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already
            }
        }
        if (baseDir != null) {
            deleteRecursively(baseDir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedZooKeeper[" + (port < 0 ? "not started" : HOST + ":" + port) + (closed ? ", closed" : "")
                + "]";
    }

    /**
     * Stops the server but keeps its port and data, so that {@link #restartServer()} brings back the same
     * server with its data and sessions: the way to test what clients do while the engine is away (disconnects,
     * session expiry), like Curator's {@code TestingServer.stop()}.
     */
    public synchronized void stopServer() {
        if (server != null) {
            LOG.info("stopping embedded ZooKeeper on {}", connectString());
            closeQuietly(server);
            server = null;
            awaitPortClosed();
        }
    }

    /**
     * Starts the server again after {@link #stopServer()}, on the same port with the same data.
     *
     * @throws IllegalStateException       if closed or never started
     * @throws BackendUnavailableException if it did not start
     */
    public synchronized void restartServer() {
        if (closed || port < 0) {
            throw new IllegalStateException("the embedded ZooKeeper is closed or was never started");
        }
        if (server == null) {
            try {
                startOn(port);
            } catch (Exception e) {
                throw new BackendUnavailableException("the embedded ZooKeeper did not restart on port " + port, e);
            }
        }
    }

    private void startOn(int candidatePort) throws Exception {
        port = candidatePort;
        Properties p = new Properties();
        p.setProperty("tickTime", Long.toString(TICK.toMillis()));
        p.setProperty("initLimit", "10");
        p.setProperty("syncLimit", "5");
        p.setProperty("dataDir", baseDir.resolve("data").toAbsolutePath().toString());
        p.setProperty("clientPort", Integer.toString(candidatePort));
        p.setProperty("clientPortAddress", HOST);
        p.setProperty("minSessionTimeout", Long.toString(MIN_SESSION_TIMEOUT.toMillis()));
        p.setProperty("maxSessionTimeout", Long.toString(MAX_SESSION_TIMEOUT.toMillis()));
        p.setProperty("maxClientCnxns", "0");
        p.setProperty("admin.enableServer", "false");
        p.setProperty("4lw.commands.whitelist", "srvr,ruok,mntr,stat");
        p.setProperty("forceSync", "no");
        ZooKeeperServerEmbedded s = ZooKeeperServerEmbedded.builder()
                .baseDir(baseDir)
                .configuration(p)
                .exitHandler(ExitHandler.LOG_ONLY)
                .build();
        // ZooKeeper's start waits for the server thread, and after some failures its clean-up waits forever:
        // start it on a helper thread so that this call is bounded whatever happens.
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                s.start(STARTUP_TIMEOUT.toMillis());
                started.complete(null);
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
        }, "coordkit-embedded-zookeeper-start");
        starter.setDaemon(true);
        starter.start();
        try {
            started.get(STARTUP_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            closeQuietly(s);
            throw e.getCause() instanceof Exception ex ? ex : e;
        } catch (TimeoutException e) {
            LOG.error("embedded ZooKeeper on port {} neither started nor stopped in time; abandoning it", candidatePort);
            throw e;
        }
        server = s;
    }

    /** Closes a server, waiting at most 10 s (ZooKeeper's close can hang after a failed start). */
    private static void closeQuietly(ZooKeeperServerEmbedded s) {
        Thread closer = new Thread(s::close, "coordkit-embedded-zookeeper-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The server thread only logs a failure to start, and ZooKeeper's own clean-up after such a failure can
     * hang; a class path problem (the usual one: Dropwizard metrics or snappy-java missing, both "provided"
     * dependencies of ZooKeeper) is found here at once instead.
     */
    private static void checkServerClasses() {
        for (String c : new String[] {"org.apache.zookeeper.server.ServerMetrics",
                "org.apache.zookeeper.server.persistence.SnapStream"}) {
            try {
                Class.forName(c, true, EmbeddedZooKeeper.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new BackendUnavailableException("the ZooKeeper server cannot run in this JVM, its classes do "
                        + "not load (are io.dropwizard.metrics:metrics-core and org.xerial.snappy:snappy-java on "
                        + "the class path?): " + e, e);
            }
        }
    }

    /**
     * A JVM killed with SIGKILL runs no shutdown hook and leaves its data directory behind; remove those whose
     * owner process is gone.
     */
    private static void removeDataOfDeadProcesses() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER_FILE);
                if (!Files.isRegularFile(owner)) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(Files.readString(owner).trim());
                    if (ProcessHandle.of(pid).isEmpty()) {
                        LOG.info("removing {}, left by the dead process {}", dir, pid);
                        deleteRecursively(dir);
                    }
                } catch (IOException | NumberFormatException e) {
                    LOG.debug("not touching {}: {}", dir, e.toString());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("could not look for stale data directories: {}", e.toString());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** The server closes its listening socket asynchronously; wait a little so a restart can bind again. */
    private void awaitPortClosed() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 100);
            } catch (IOException e) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete the embedded ZooKeeper's data in {}: {}", dir, e.toString());
        }
    }
}
