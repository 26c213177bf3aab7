package io.coordkit.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared executor (SPEC.md SPI-7): each subscription gets one,
 * so listeners never overlap and never run on an engine client's I/O thread. A task that throws is logged and
 * does not stop the ones after it. Internal.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor delegate;
    private final String name;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor delegate, String name) {
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
        } catch (RuntimeException e) {
            // The shared pool is shut down: the coordinator is closed, nothing more will be delivered.
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
                LOG.warn("{}: a listener threw; later notifications still go out", name, e);
            }
        }
    }
}
