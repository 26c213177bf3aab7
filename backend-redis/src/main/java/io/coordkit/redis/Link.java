package io.coordkit.redis;

import io.coordkit.spi.Futures;
import io.coordkit.BackendUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The connection to the Redis master, made again after every failure. Lettuce's own reconnection is off
 * ({@code autoReconnect(false)}): with it, Lettuce re-sends the commands that were in flight when a connection
 * dropped, which would run a write the caller was told had failed (SPI-4); and commands issued while disconnected
 * are rejected at once ({@code REJECT_COMMANDS}) instead of queued. Instead, a connection that fails, times out or
 * finds itself on a replica ({@code READONLY}) is dropped, and the next command opens a new one: through the
 * Sentinels for {@code redis-sentinel:}, which name the master, whose {@code ROLE} is checked before use.
 *
 * <p>Each new connection also measures the offset of the server's clock ({@code TIME}) so that scripts can be given
 * a deadline in server time (see {@link Script}).
 */
final class Link implements AutoCloseable {

    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private static ClientResources shared;

    private final RedisClient client;
    private final RedisURI redisUri;
    private final String uri;
    private final String base;
    private final Duration operationTimeout;
    private final Duration handshakeTimeout;
    private final Runnable onBroken;
    private final Object lock = new Object();
    private CompletableFuture<Conn> current;
    /** Completes when the last command asked for was handed to Lettuce; see {@link #ordered}. */
    private CompletableFuture<Void> sent = CompletableFuture.completedFuture(null);
    private volatile Conn live;
    private volatile boolean closed;

    /** An open connection to the master. */
    static final class Conn {
        final StatefulRedisConnection<String, byte[]> connection;
        final long offsetMs;

        Conn(StatefulRedisConnection<String, byte[]> connection, long offsetMs) {
            this.connection = connection;
            this.offsetMs = offsetMs;
        }

        private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

        RedisAsyncCommands<String, byte[]> async() {
            return connection.async();
        }

        /** Closes once (Lettuce warns about a second close). */
        void close() {
            if (closing.compareAndSet(false, true)) {
                connection.closeAsync();
            }
        }
    }

    /**
     * @param redisUri         where to connect (a server or Sentinels)
     * @param uri              the coordkit URI, password masked, for messages
     * @param base             the namespace's key base, handed to every script
     * @param operationTimeout the limit of one command
     * @param connectTimeout   the limit of one connection attempt
     * @param handshakeTimeout the limit of a new connection's first answer ({@code ROLE}), and of its TCP connect
     *                         when that is shorter than {@code connectTimeout}
     * @param onBroken         told (on a Lettuce thread) when the connection in use drops
     */
    Link(RedisURI redisUri, String uri, String base, Duration operationTimeout, Duration connectTimeout,
         Duration handshakeTimeout, Runnable onBroken) {
        this.handshakeTimeout = handshakeTimeout;
        this.redisUri = redisUri;
        this.uri = uri;
        this.base = base;
        this.operationTimeout = operationTimeout;
        this.onBroken = onBroken;
        this.client = RedisClient.create(resources(), redisUri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(false)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .protocolVersion(ProtocolVersion.RESP2)
                .timeoutOptions(TimeoutOptions.enabled(operationTimeout))
                // a connection must be made soon after the Sentinels named its server: one whose SYN was lost in a
                // partition, and answered only after it healed, would reach an old master that the Sentinels have
                // replaced but not yet demoted (it calls itself master for about ten seconds more), and the ROLE
                // check would pass (seen in PRT-3: two lock holders for 9 s after healing). The URI's connect
                // timeout still bounds connect(), which tries again until it has passed.
                .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout.compareTo(handshakeTimeout) < 0
                        ? connectTimeout : handshakeTimeout).keepAlive(true).build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (closed) {
                    return; // the client's shutdown closes it
                }
                Conn c = live;
                if (c != null && c.connection == connection) {
                    drop(c);
                    onBroken.run();
                }
            }
        });
    }

    /** One set of event loops for every coordinator of the JVM: a connect that fails leaves no thread behind. */
    private static synchronized ClientResources resources() {
        if (shared == null) {
            shared = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        }
        return shared;
    }

    String uri() {
        return uri;
    }

    RedisClient client() {
        return client;
    }

    RedisURI redisUri() {
        return redisUri;
    }

    Duration operationTimeout() {
        return operationTimeout;
    }

    /** @return the open connection, or a new one */
    CompletableFuture<Conn> conn() {
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new BackendUnavailableException("connection to " + uri
                        + " is closed"));
            }
            if (current != null && !current.isCompletedExceptionally()
                    && (!current.isDone() || current.join().connection.isOpen())) {
                return current;
            }
            CompletableFuture<Conn> next = open();
            current = next;
            next.whenComplete((c, e) -> {
                if (c != null) {
                    live = c;
                    if (closed || !c.connection.isOpen()) {
                        drop(c);
                    }
                }
            });
            return next;
        }
    }

    /** @return true if a connection is open now (without trying to open one) */
    boolean isConnected() {
        Conn c = live;
        return c != null && c.connection.isOpen();
    }

    private CompletableFuture<Conn> open() {
        return client.connectAsync(CODEC, redisUri).toCompletableFuture()
                .thenCompose(c -> c.async().role().toCompletableFuture()
                        // a frozen master accepts the TCP connection (the kernel does) but never answers: give up
                        // on it sooner than the operation timeout, so that the next attempt asks the Sentinels again
                        .orTimeout(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .thenCompose(role -> {
                            String r = role.isEmpty() ? "?" : text(role.get(0));
                            if (!"master".equals(r)) {
                                return CompletableFuture.<Conn>failedFuture(new BackendUnavailableException("the "
                                        + "Redis server " + uri + " connected to is a " + r + ", not the master (a "
                                        + "failover may be under way)"));
                            }
                            // Loaded before first use, so that EVALSHA finds every script: a NOSCRIPT answer
                            // followed by EVAL would let a later command (a release) overtake the one it follows.
                            CompletableFuture<?>[] loads = Scripts.ALL.stream()
                                    .map(s -> c.async().scriptLoad(s.source()).toCompletableFuture())
                                    .toArray(CompletableFuture[]::new);
                            return CompletableFuture.allOf(loads).thenCompose(x -> clock(c));
                        })
                        .whenComplete((conn, e) -> {
                            if (e != null) {
                                c.closeAsync();
                            }
                        }))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(Errors.map("connect", uri, e)));
    }

    /** Measures the offset of the server's clock. */
    private static CompletableFuture<Conn> clock(StatefulRedisConnection<String, byte[]> c) {
        long t1 = System.currentTimeMillis();
        return c.async().time().toCompletableFuture().thenApply(t -> {
            long t2 = System.currentTimeMillis();
            long serverMs = Long.parseLong(text(t.get(0))) * 1000 + Long.parseLong(text(t.get(1))) / 1000;
            return new Conn(c, serverMs - (t1 + t2) / 2);
        });
    }

    static String text(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return String.valueOf(o);
    }

    /** Stops using a connection (it failed); the next command opens another. */
    void drop(Conn c) {
        synchronized (lock) {
            if (current != null && current.isDone() && !current.isCompletedExceptionally() && current.join() == c) {
                current = null;
            }
            if (live == c) {
                live = null;
            }
        }
        c.close();
    }

    /** Drops the connection in use, if any. */
    void dropCurrent() {
        Conn c = live;
        if (c != null) {
            drop(c);
        }
    }

    /**
     * Runs one command on the master.
     *
     * @param what    the operation, for messages
     * @param command the command
     * @return its result, or a coordkit exception
     */
    <T> CompletableFuture<T> call(String what, Function<RedisAsyncCommands<String, byte[]>, ? extends
            java.util.concurrent.CompletionStage<T>> command) {
        return ordered(c -> command.apply(c.async()).toCompletableFuture()
                .exceptionallyCompose(e -> failed(c, what, e)));
    }

    /**
     * Hands commands to the connection in the order they were asked for, also while a connection is being opened
     * (the dependents of one future would run in reverse order: a withdrawal could reach Redis before the join it
     * undoes).
     */
    private <T> CompletableFuture<T> ordered(Function<Conn, CompletableFuture<T>> send) {
        CompletableFuture<Conn> connection;
        CompletableFuture<Void> previous;
        CompletableFuture<Void> mine = new CompletableFuture<>();
        synchronized (lock) {
            connection = conn();
            previous = sent;
            sent = mine;
        }
        CompletableFuture<T> result = previous.thenCompose(x -> connection).thenCompose(c -> {
            try {
                return send.apply(c);
            } finally {
                mine.complete(null);
            }
        });
        result.whenComplete((v, e) -> mine.complete(null));
        return result;
    }

    /**
     * Runs a script with a deadline of one operation timeout from now.
     *
     * @param what   the operation, for messages
     * @param script the script
     * @param keys   its KEYS
     * @param args   its ARGV from 3 on (1 and 2, the base and the deadline, are added)
     * @return the script's array answer
     */
    CompletableFuture<List<Object>> eval(String what, Script script, String[] keys, Object... args) {
        return eval(what, script, true, keys, args);
    }

    /** As {@link #eval(String, Script, String[], Object...)}, without a deadline (releases, reads). */
    CompletableFuture<List<Object>> evalAnyTime(String what, Script script, String[] keys, Object... args) {
        return eval(what, script, false, keys, args);
    }

    private CompletableFuture<List<Object>> eval(String what, Script script, boolean deadline, String[] keys,
                                                 Object... args) {
        return ordered(c -> {
            byte[][] argv = new byte[args.length + 2][];
            argv[0] = bytes(base);
            argv[1] = bytes(deadline ? Long.toString(System.currentTimeMillis() + c.offsetMs
                    + operationTimeout.toMillis()) : "0");
            for (int i = 0; i < args.length; i++) {
                argv[i + 2] = args[i] instanceof byte[] b ? b : bytes(String.valueOf(args[i]));
            }
            CompletableFuture<List<Object>> first = c.async().<List<Object>>evalsha(script.sha(),
                    ScriptOutputType.MULTI, keys, argv).toCompletableFuture();
            return first.exceptionallyCompose(e -> {
                Throwable t = Futures.unwrap(e);
                // only after SCRIPT FLUSH on a live connection: scripts are loaded when a connection opens
                if (String.valueOf(t.getMessage()).startsWith("NOSCRIPT")) {
                    return c.async().<List<Object>>eval(script.source(), ScriptOutputType.MULTI, keys, argv)
                            .toCompletableFuture();
                }
                return CompletableFuture.failedFuture(t);
            }).exceptionallyCompose(e -> failed(c, what, e));
        });
    }

    private <T> CompletableFuture<T> failed(Conn c, String what, Throwable e) {
        if (Errors.breaksConnection(e)) {
            drop(c);
            onBroken.run();
        }
        return CompletableFuture.failedFuture(Errors.map(what, uri, e));
    }

    /** @return a new pub/sub connection to the master */
    CompletableFuture<StatefulRedisPubSubConnection<String, byte[]>> pubSub() {
        return client.connectPubSubAsync(CODEC, redisUri).toCompletableFuture()
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(Errors.map("subscribe", uri, e)));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            current = null;
        }
        // closes every connection of the client (closing them one by one first would close some twice)
        try {
            client.shutdownAsync(0, operationTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(operationTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // best effort: the shared event loops stay, the connections are closed
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
