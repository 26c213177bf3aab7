package io.coordkit.spi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared executor. The core gives one to every subscription
 * (SPEC.md SPI-7), so listeners never overlap and never run on an engine client's I/O thread; backends use it
 * wherever calls must not overlap and must keep their order (watch deliveries, a lock attempt's steps). A task
 * that throws is logged and does not stop the ones after it. Once the shared executor refuses work (it was shut
 * down), queued and later tasks are dropped.
 */
public final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor delegate;
    private final String name;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    /**
     * @param delegate where the tasks run
     * @param name     what the tasks serve, for log messages
     */
    public SerialExecutor(Executor delegate, String name) {
        this.delegate = delegate;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            delegate.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The shared pool is shut down: its owner is closed, nothing more will run.
            synchronized (tasks) {
                tasks.clear();
                running = false;
            }
            LOG.debug("{}: dropped a notification after shutdown", name);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw (Error) e;
                }
                LOG.warn("{}: a task threw; later tasks still run", name, e);
            }
        }
    }
}
