package io.coordkit.zookeeper;

import io.coordkit.spi.Futures;

import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Turns Curator background operations into futures. Every operation runs in the background: no coordkit thread
 * waits for a server answer. Callbacks run on the executor given: the session's, or ZooKeeper's event thread itself
 * ({@code Runnable::run}, or an executor that runs there) where the answer only decides the next request or
 * completes a future, which never blocks. (A
 * create with missing parents is answered NONODE; Curator then runs its synchronous {@code ZKPaths.mkdirs} on its
 * background thread, an exists and a create per missing ancestor, and sends the create again, which for a
 * protected create first runs {@code findProtectedNodeInForeground}, a synchronous getChildren of the parent, on
 * that thread. Watchers themselves run on ZooKeeper's event thread and must only hand events on.)
 */
final class Async {

    private Async() {
    }

    /** One Curator background operation, started with the callback and executor it must use. */
    @FunctionalInterface
    interface Call {
        /**
         * @param callback where the result goes
         * @param executor where the callback runs
         * @throws Exception whatever the builder throws when it cannot start the operation
         */
        void start(BackgroundCallback callback, Executor executor) throws Exception;
    }

    /**
     * Starts a background operation.
     *
     * @param executor where the callback runs
     * @param what     the operation and object, for error messages
     * @param call     the operation
     * @return its event, whatever the result code; failed only if the operation could not be started
     */
    static CompletableFuture<CuratorEvent> run(Executor executor, String what, Call call) {
        CompletableFuture<CuratorEvent> f = new CompletableFuture<>();
        try {
            call.start((client, event) -> f.complete(event), executor);
        } catch (Exception e) {
            f.completeExceptionally(Errors.of(e, what));
        }
        return f;
    }

    /**
     * @param event a finished operation
     * @return its result code
     */
    static KeeperException.Code code(CuratorEvent event) {
        return KeeperException.Code.get(event.getResultCode());
    }

    /**
     * @param event a finished operation
     * @param what  the operation and object
     * @return the event if it succeeded
     * @throws io.coordkit.CoordinationException mapped from the result code otherwise
     */
    static CuratorEvent ok(CuratorEvent event, String what) {
        if (event.getResultCode() != KeeperException.Code.OK.intValue()) {
            throw Errors.of(event, what);
        }
        return event;
    }

    /**
     * @param f a future
     * @param t its failure
     * @param <T> its type
     * @return f failed with t, unwrapped
     */
    static <T> CompletableFuture<T> fail(CompletableFuture<T> f, Throwable t) {
        f.completeExceptionally(Futures.unwrap(t));
        return f;
    }

    /**
     * @param t a failure
     * @param <T> the type
     * @return a future failed with t
     */
    static <T> CompletableFuture<T> failed(Throwable t) {
        return fail(new CompletableFuture<>(), t);
    }
}
