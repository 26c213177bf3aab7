package io.coordkit.spi;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread factory of coordkit's pools, in the core and in backends: daemon threads (a coordinator left open
 * never keeps the JVM alive) named {@code <prefix>-1}, {@code <prefix>-2}, ... so that a thread dump tells whose
 * they are.
 *
 * <pre>{@code
 * ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("coordkit-etcd-7-timer"));
 * }</pre>
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /**
     * @param prefix the start of every thread's name, for example {@code coordkit-zk-3-timer}
     * @return a factory of daemon threads named {@code prefix-N}
     */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
