package io.coordkit.zookeeper;

import io.coordkit.CoordinationException;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.Subscription;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;
import io.coordkit.spi.ConfigBackend;
import io.coordkit.spi.Futures;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import io.coordkit.spi.CallerWaits;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Config on persistent znodes (see {@link ConfigData} for the node data and {@link Paths} for the layout).
 *
 * <ul>
 *   <li>The version of a key is its node's dataVersion. A delete writes a tombstone with a conditional setData
 *   instead of removing the node, so versions never reset (CFG-2).</li>
 *   <li>Writes are conditional setData/create calls, atomic on the ZooKeeper leader. Reads that decide
 *   something ({@code get}, the read inside compare-and-set and delete, {@code list}) first {@code sync} the
 *   server with the leader, so they see every write completed before they began (LINEARIZABLE_CONFIG).</li>
 *   <li>Keys are never removed; a deleted key leaves a one-byte tombstone node behind.</li>
 * </ul>
 */
final class ZkConfig implements ConfigBackend {

    /** Bound on the setData/create alternation of a put, which only concurrent writers make repeat. */
    private static final int MAX_ROUNDS = 16;

    private final ZkSession session;
    private final CuratorFramework curator;
    private final Paths paths;
    private final Executor executor;
    private final Set<ConfigWatch> watches = ConcurrentHashMap.newKeySet();

    ZkConfig(ZkSession session) {
        this.session = session;
        this.curator = session.curator();
        this.paths = session.paths();
        this.executor = session.executor();
    }

    /** A config node as read: its data and stat, or absent. */
    record Node(String path, byte[] data, Stat stat) {
        boolean exists() {
            return stat != null;
        }

        boolean hasValue() {
            return stat != null && ConfigData.hasValue(data);
        }

        Versioned<byte[]> versioned() {
            return new Versioned<>(ConfigData.valueOf(data), stat.getVersion());
        }
    }

    @Override
    public CompletableFuture<Optional<Versioned<byte[]>>> get(String key) {
        String what = "get of config key '" + key + "'";
        return syncedRead(paths.config(key), what)
                .thenApply(n -> n.hasValue() ? Optional.of(n.versioned()) : Optional.empty());
    }

    @Override
    public CompletableFuture<Long> put(String key, byte[] value) {
        String path = paths.config(key);
        byte[] data = ConfigData.value(value);
        String what = "put of config key '" + key + "'";
        try (CallerWaits.Block here = CallerWaits.block()) {
            if (here != null) {
                // a caller who waits: the setData is made on its thread (CallerWaits); a missing node is created
                // on the asynchronous path below
                try {
                    return CompletableFuture.completedFuture((long) session.zooKeeper().setData(path, data, -1)
                            .getVersion());
                } catch (KeeperException.NoNodeException e) {
                    // created below
                } catch (KeeperException e) {
                    if (!sessionGone(e.code())) {
                        return Async.failed(Errors.of(e.code(), what));
                    }
                    // the handle's session expired: nothing was written; Curator's path below waits for the next
                } catch (InterruptedException e) {
                    // the core's deadline; written or not, as a write that times out on the asynchronous path
                    return Async.failed(new CoordinationTimeoutException(what + " did not complete before its "
                            + "deadline"));
                } catch (Exception e) {
                    return Async.failed(Errors.of(e, what));
                }
            }
        }
        return put(path, data, what, 0);
    }

    private CompletableFuture<Long> put(String path, byte[] data, String what, int round) {
        if (round >= MAX_ROUNDS) {
            return Async.failed(new CoordinationException(what + " failed: the node kept appearing and "
                    + "disappearing (is another tool deleting config nodes?)"));
        }
        // The answer is taken on ZooKeeper's event thread, where the common case (the node exists) only completes
        // the future; a missing node continues on the session executor, since creating it starts Curator's mkdirs
        CompletableFuture<CuratorEvent> written = Async.run(Runnable::run, what, (cb, ex) -> curator.setData()
                .withVersion(-1).inBackground(cb, ex).forPath(path, data));
        return written.thenCompose(e -> switch (Async.code(e)) {
            case OK -> CompletableFuture.completedFuture((long) e.getStat().getVersion());
            case NONODE -> onExecutor(CompletableFuture.completedFuture(e)).thenCompose(x -> create(path, data, what))
                    .thenCompose(c -> switch (Async.code(c)) {
                        case OK -> CompletableFuture.completedFuture(createdVersion(c));
                        case NODEEXISTS -> put(path, data, what, round + 1);
                        default -> Async.failed(Errors.of(c, what));
                    });
            default -> Async.failed(Errors.of(e, what));
        });
    }

    @Override
    public CompletableFuture<Long> compareAndSet(String key, long expectedVersion, byte[] value) {
        String path = paths.config(key);
        byte[] data = ConfigData.value(value);
        String what = "compare-and-set of config key '" + key + "'";
        if (expectedVersion == Versioned.ABSENT) {
            return createIfAbsent(key, path, data, what, 0);
        }
        return onExecutor(syncedRead(path, what)).thenCompose(n -> {
            if (!n.hasValue()) {
                return Async.failed(conflict(key, expectedVersion, Versioned.ABSENT));
            }
            if (n.stat().getVersion() != expectedVersion) {
                return Async.failed(conflict(key, expectedVersion, n.stat().getVersion()));
            }
            return setData(path, data, (int) expectedVersion, what).thenApply(e -> switch (Async.code(e)) {
                case OK -> (long) e.getStat().getVersion();
                case BADVERSION -> throw new VersionConflictException(key, expectedVersion, OptionalLong.empty());
                case NONODE -> throw conflict(key, expectedVersion, Versioned.ABSENT);
                default -> throw Errors.of(e, what);
            });
        });
    }

    /** Compare-and-set with ABSENT: create the node, or fill a node without value at its version. */
    private CompletableFuture<Long> createIfAbsent(String key, String path, byte[] data, String what, int round) {
        if (round >= MAX_ROUNDS) {
            return Async.failed(new CoordinationException(what + " failed: the node kept appearing and "
                    + "disappearing (is another tool deleting config nodes?)"));
        }
        return create(path, data, what).thenCompose(c -> switch (Async.code(c)) {
            case OK -> CompletableFuture.completedFuture(createdVersion(c));
            case NODEEXISTS -> onExecutor(syncedRead(path, what)).thenCompose(n -> {
                if (!n.exists()) {
                    return createIfAbsent(key, path, data, what, round + 1);
                }
                if (n.hasValue()) {
                    return Async.failed(conflict(key, Versioned.ABSENT, n.stat().getVersion()));
                }
                // No value, only a tombstone or a parent: fill it, unless someone writes first. Every write that
                // changes the version of a node without value gives it a value, so BADVERSION means "has value".
                return setData(path, data, n.stat().getVersion(), what).thenApply(e -> switch (Async.code(e)) {
                    case OK -> (long) e.getStat().getVersion();
                    case BADVERSION -> throw new VersionConflictException(key, Versioned.ABSENT,
                            OptionalLong.empty());
                    case NONODE -> throw new CoordinationException(what + " failed: the node was removed "
                            + "meanwhile (is another tool deleting config nodes?)");
                    default -> throw Errors.of(e, what);
                });
            });
            default -> Async.failed(Errors.of(c, what));
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String key, OptionalLong expectedVersion) {
        String path = paths.config(key);
        if (expectedVersion.isPresent()) {
            long expected = expectedVersion.getAsLong();
            String what = "conditional delete of config key '" + key + "'";
            return onExecutor(syncedRead(path, what)).thenCompose(n -> {
                if (!n.hasValue()) {
                    return Async.failed(conflict(key, expected, Versioned.ABSENT));
                }
                if (n.stat().getVersion() != expected) {
                    return Async.failed(conflict(key, expected, n.stat().getVersion()));
                }
                return setData(path, ConfigData.tombstone(), (int) expected, what)
                        .thenApply(e -> switch (Async.code(e)) {
                            case OK -> true;
                            case BADVERSION -> throw new VersionConflictException(key, expected,
                                    OptionalLong.empty());
                            case NONODE -> throw conflict(key, expected, Versioned.ABSENT);
                            default -> throw Errors.of(e, what);
                        });
            });
        }
        // Concurrent writers can keep changing the key between the read and the conditional write; each lost
        // round means another write succeeded, so keep going until the core's time limit would have passed.
        long deadline = System.nanoTime() + session.spec().operationTimeout().toNanos();
        return deleteAny(key, path, "delete of config key '" + key + "'", deadline);
    }

    private CompletableFuture<Boolean> deleteAny(String key, String path, String what, long deadline) {
        if (System.nanoTime() - deadline > 0) {
            return Async.failed(new CoordinationTimeoutException(what + " did not complete: concurrent writes kept "
                    + "changing the key until the operation timeout"));
        }
        return onExecutor(syncedRead(path, what)).thenCompose(n -> {
            if (!n.hasValue()) {
                return CompletableFuture.completedFuture(false);
            }
            return setData(path, ConfigData.tombstone(), n.stat().getVersion(), what)
                    .thenCompose(e -> switch (Async.code(e)) {
                        case OK -> CompletableFuture.completedFuture(true);
                        // written meanwhile: delete what is there now
                        case BADVERSION -> deleteAny(key, path, what, deadline);
                        case NONODE -> CompletableFuture.completedFuture(false);
                        default -> Async.failed(Errors.of(e, what));
                    });
        });
    }

    @Override
    public CompletableFuture<SortedMap<String, Versioned<byte[]>>> list(String prefix) {
        String what = "list of config prefix '" + prefix + "'";
        String root = paths.config(prefix);
        return sync(root, what).thenCompose(v -> walk(root, what)).thenApply(nodes -> {
            SortedMap<String, Versioned<byte[]>> result = new TreeMap<>();
            nodes.forEach((key, n) -> {
                if (n.hasValue()) {
                    result.put(key, n.versioned());
                }
            });
            return result;
        });
    }

    @Override
    public Subscription watch(String prefix, ConfigListener listener) {
        ConfigWatch w = new ConfigWatch(this, session, prefix, listener);
        watches.add(w);
        w.start();
        return w;
    }

    void closed(ConfigWatch w) {
        watches.remove(w);
    }

    void close() {
        watches.forEach(ConfigWatch::close);
    }

    // ---- reads shared with the watch

    /**
     * Reads one node without sync.
     *
     * @param path the node
     * @param what for messages
     * @return the node, absent if it does not exist
     */
    CompletableFuture<Node> read(String path, String what) {
        return session.ops().getData(path, what).thenApply(e -> switch (Async.code(e)) {
            case OK -> new Node(path, e.getData(), e.getStat());
            case NONODE -> new Node(path, null, null);
            default -> throw Errors.of(e, what);
        });
    }

    /**
     * Reads every node at and below {@code root} (whether it has a value or not), without sync.
     *
     * @param root the top node
     * @param what for messages
     * @return the nodes by key
     */
    CompletableFuture<Map<String, Node>> walk(String root, String what) {
        CompletableFuture<Map<String, Node>> result = new CompletableFuture<>();
        Map<String, Node> nodes = new ConcurrentHashMap<>();
        AtomicInteger pending = new AtomicInteger();
        visit(root, what, nodes, pending, result);
        return result;
    }

    /** Reads a node and its children, then visits them; {@code pending} counts the reads in flight. */
    private void visit(String path, String what, Map<String, Node> nodes, AtomicInteger pending,
                       CompletableFuture<Map<String, Node>> result) {
        pending.addAndGet(2);
        read(path, what).whenComplete((n, t) -> {
            if (t != null) {
                result.completeExceptionally(Futures.unwrap(t));
            } else if (n.exists()) {
                String key = paths.configKey(path);
                if (key != null) {
                    nodes.put(key, n);
                }
            }
            done(nodes, pending, result);
        });
        session.ops().children(path, what).whenComplete((e, t) -> {
            if (t != null) {
                result.completeExceptionally(Futures.unwrap(t));
            } else if (Async.code(e) == Code.OK) {
                if (!result.isDone()) {
                    for (String child : e.getChildren()) {
                        visit(Paths.child(path, child), what, nodes, pending, result);
                    }
                }
            } else if (Async.code(e) != Code.NONODE) {
                result.completeExceptionally(Errors.of(e, what));
            }
            done(nodes, pending, result);
        });
    }

    private static void done(Map<String, Node> nodes, AtomicInteger pending,
                             CompletableFuture<Map<String, Node>> result) {
        if (pending.decrementAndGet() == 0) {
            result.complete(new TreeMap<>(nodes));
        }
    }

    // ---- operations

    /**
     * Reads one node after a {@code sync}, so that the read sees every write completed before it began
     * (LINEARIZABLE_CONFIG), in one round trip: the sync and the getData are sent back to back on the session's raw
     * handle instead of the getData waiting for the sync's answer. ZooKeeper keeps a session's requests in order:
     * the server holds the session's later requests until its sync is done (the sync is forwarded to the leader
     * and comes back through the follower's commit pipeline, which serves the session in order), and the client
     * delivers the answers in the order they came. The answer to the getData therefore comes after the sync's,
     * and shows at least the state the sync brought the server to. The answers are checked in that order anyway
     * (on ZooKeeper's event thread, where they arrive one after the other): a getData answered before its sync is
     * read again once the sync is done. A failed sync fails the read, as before.
     *
     * <p>On a standalone server no sync is sent ({@link StandaloneServer}). For a caller who waits for the read, the
     * requests are made on its thread ({@link #readHere}).
     *
     * <p>The returned future completes on ZooKeeper's event thread (or is complete already); callers that start
     * another Curator operation from it continue on the session executor ({@link #onExecutor}).
     */
    private CompletableFuture<Node> syncedRead(String path, String what) {
        ZooKeeper zk;
        try {
            zk = session.zooKeeper();
        } catch (Exception e) {
            return Async.failed(Errors.of(e, what));
        }
        boolean needsSync = !session.standalone().holds();
        try (CallerWaits.Block here = CallerWaits.block()) {
            if (here != null) {
                return readHere(zk, path, what, needsSync);
            }
        }
        CompletableFuture<Void> synced = new CompletableFuture<>();
        CompletableFuture<Node> result = new CompletableFuture<>();
        if (!needsSync) {
            synced.complete(null);
        }
        try {
            if (needsSync) {
                zk.sync(path, (rc, p, ctx) -> {
                    if (rc == Code.OK.intValue()) {
                        synced.complete(null);
                    } else {
                        RuntimeException error = Errors.of(Code.get(rc), what);
                        synced.completeExceptionally(error);
                        if (handleGone(Code.get(rc))) {
                            readThroughCurator(path, what, result);
                        } else {
                            result.completeExceptionally(error);
                        }
                    }
                }, null);
            }
            zk.getData(path, false, (rc, p, ctx, data, stat) -> {
                if (result.isDone() || synced.isCompletedExceptionally()) {
                    return; // the sync failed: answered there
                }
                if (!synced.isDone()) {
                    // answered before the sync: not ordered after it, so read again once it is done
                    synced.thenComposeAsync(v -> read(path, what), executor).whenComplete((n, t) -> {
                        if (t != null) {
                            Async.fail(result, t);
                        } else {
                            result.complete(n);
                        }
                    });
                    return;
                }
                Code code = Code.get(rc);
                switch (code) {
                    case OK -> result.complete(new Node(path, data, stat));
                    case NONODE -> result.complete(new Node(path, null, null));
                    default -> {
                        if (handleGone(code)) {
                            readThroughCurator(path, what, result);
                        } else {
                            result.completeExceptionally(Errors.of(code, what));
                        }
                    }
                }
            }, null);
        } catch (RuntimeException e) {
            return Async.fail(result, Errors.of(e, what));
        }
        return result;
    }

    /**
     * {@link #syncedRead} on the thread of a caller who waits for it ({@link CallerWaits}): the same requests with
     * the client's synchronous calls, so the answer wakes the caller directly instead of passing through
     * ZooKeeper's event thread. The sync is sent without a callback and the read right behind it: ZooKeeper answers
     * a session's requests in order, and a sync fails only with its connection, which fails the read sent behind it
     * as well, so a read that succeeds was served after the sync (this is why ZooKeeper has no synchronous sync).
     *
     * @param sync whether to sync first (not on a standalone server, see {@link StandaloneServer})
     */
    private CompletableFuture<Node> readHere(ZooKeeper zk, String path, String what, boolean sync) {
        try {
            if (sync) {
                zk.sync(path, null, null);
            }
            Stat stat = new Stat();
            byte[] data = zk.getData(path, false, stat);
            return CompletableFuture.completedFuture(new Node(path, data, stat));
        } catch (KeeperException.NoNodeException e) {
            return CompletableFuture.completedFuture(new Node(path, null, null));
        } catch (KeeperException e) {
            if (handleGone(e.code())) {
                CompletableFuture<Node> again = new CompletableFuture<>();
                readThroughCurator(path, what, again);
                return again;
            }
            return Async.failed(Errors.of(e.code(), what));
        } catch (InterruptedException e) {
            // the core's deadline: the block clears the interrupt, the core reports the time-out
            return Async.failed(new CoordinationTimeoutException(what + " did not complete before its deadline"));
        } catch (RuntimeException e) {
            return Async.failed(Errors.of(e, what));
        }
    }

    /**
     * @param code a failed raw-handle request's code
     * @return whether the handle's session expired: the server did not take the request, and Curator opens the next
     *         session, in which the request can be made again
     */
    private static boolean sessionGone(Code code) {
        return code == Code.SESSIONEXPIRED || code == Code.UNKNOWNSESSION;
    }

    /** @return whether a read on the raw handle failed because its session or connection is gone, not the read */
    private static boolean handleGone(Code code) {
        return sessionGone(code) || Errors.isConnectionProblem(code);
    }

    /**
     * The synced read again through Curator, for a read on the raw handle whose session or connection was gone:
     * Curator waits for the connection (up to its connection timeout) and uses the next session's handle, so a read
     * is not failed as "session lost" (a config read does not depend on the session) while the next one is made.
     */
    private void readThroughCurator(String path, String what, CompletableFuture<Node> result) {
        sync(path, what).thenCompose(v -> read(path, what)).whenComplete((n, t) -> {
            if (t != null) {
                Async.fail(result, t);
            } else {
                result.complete(n);
            }
        });
    }

    /** @return f, continued on the session executor (before starting Curator operations from its result) */
    private <T> CompletableFuture<T> onExecutor(CompletableFuture<T> f) {
        return f.thenApplyAsync(v -> v, executor);
    }

    private CompletableFuture<Void> sync(String path, String what) {
        return Async.run(executor, what, (cb, ex) -> curator.sync().inBackground(cb, ex).forPath(path))
                .thenApply(e -> {
                    Async.ok(e, what);
                    return null;
                });
    }

    private CompletableFuture<CuratorEvent> setData(String path, byte[] data, int version, String what) {
        return session.ops().setData(path, data, version, what);
    }

    private CompletableFuture<CuratorEvent> create(String path, byte[] data, String what) {
        return Async.run(executor, what, (cb, ex) -> curator.create().creatingParentsIfNeeded()
                .withMode(CreateMode.PERSISTENT).inBackground(cb, ex).forPath(path, data));
    }

    private static long createdVersion(CuratorEvent created) {
        return 0; // the data version of a node just created; the same as created.getStat().getVersion()
    }

    private static VersionConflictException conflict(String key, long expected, long actual) {
        return new VersionConflictException(key, expected, OptionalLong.of(actual));
    }
}
