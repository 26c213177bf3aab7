package io.coordkit.zookeeper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.data.Stat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The plain background operations used everywhere ({@link Async#run} with the session's client and executor).
 * Each returns the operation's event whatever its result code, except {@link #stat}, which maps NONODE to null.
 * Creates and watches, which differ per recipe, are built where they are used.
 */
final class Ops {

    private final CuratorFramework curator;
    private final Executor executor;

    Ops(CuratorFramework curator, Executor executor) {
        this.curator = curator;
        this.executor = executor;
    }

    /** @return the node's stat, or null if it does not exist; failed on any other result */
    CompletableFuture<Stat> stat(String path, String what) {
        return Async.run(executor, what, (cb, ex) -> curator.checkExists().inBackground(cb, ex).forPath(path))
                .thenApply(e -> switch (Async.code(e)) {
                    case OK -> e.getStat();
                    case NONODE -> null;
                    default -> throw Errors.of(e, what);
                });
    }

    /** @return the event of reading the node's data and stat */
    CompletableFuture<CuratorEvent> getData(String path, String what) {
        return Async.run(executor, what, (cb, ex) -> curator.getData().inBackground(cb, ex).forPath(path));
    }

    /** @return the event of listing the node's children */
    CompletableFuture<CuratorEvent> children(String path, String what) {
        return Async.run(executor, what, (cb, ex) -> curator.getChildren().inBackground(cb, ex).forPath(path));
    }

    /** @return the event of a conditional (or, with version -1, unconditional) write */
    CompletableFuture<CuratorEvent> setData(String path, byte[] data, int version, String what) {
        return Async.run(executor, what, (cb, ex) -> curator.setData().withVersion(version).inBackground(cb, ex)
                .forPath(path, data));
    }

    /** @return the event of a conditional (or, with version -1, unconditional) delete */
    CompletableFuture<CuratorEvent> delete(String path, int version, String what) {
        return Async.run(executor, what, (cb, ex) -> curator.delete().withVersion(version).inBackground(cb, ex)
                .forPath(path));
    }
}
