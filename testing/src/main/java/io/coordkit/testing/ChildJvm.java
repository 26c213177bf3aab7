package io.coordkit.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

/**
 * The entry point of every child JVM the TCK starts with {@link LocalProcess.Builder#javaMain}: a watchdog that
 * halts the JVM as soon as its standard input reaches end-of-file, then runs the real main class reflectively.
 *
 * <p>The parent keeps the write end of the child's standard input open for the child's whole life and never writes
 * to it. When the parent JVM exits, normally or by {@code kill -9}, the operating system closes that pipe, the
 * watchdog reads end-of-file and the child halts at once, so no server outlives the test run that started it.
 *
 * <p>Usage: {@code java -cp ... io.coordkit.testing.ChildJvm <main class> [args...]}.
 */
public final class ChildJvm {

    /** Exit status of a child whose parent went away. */
    static final int ORPHANED_EXIT_STATUS = 97;

    private ChildJvm() {
    }

    /**
     * Starts the watchdog, then the real main.
     *
     * @param args the main class name followed by its arguments
     * @throws Throwable whatever the real main throws
     */
    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ChildJvm <main class> [args...]");
            System.exit(2);
        }
        watchParent(System.in);
        Class<?> mainClass = Class.forName(args[0], true, Thread.currentThread().getContextClassLoader());
        Method main = mainClass.getMethod("main", String[].class);
        if (!Modifier.isStatic(main.getModifiers())) {
            throw new IllegalArgumentException(args[0] + ".main is not static");
        }
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Halts this JVM when {@code in} reaches end-of-file (or fails), in a daemon thread.
     *
     * @param in the stream whose end means "the parent is gone"
     */
    public static void watchParent(InputStream in) {
        Thread watchdog = new Thread(() -> {
            byte[] buffer = new byte[256];
            try {
                while (in.read(buffer) >= 0) {
                    // The parent never writes; anything read is ignored.
                }
            } catch (IOException e) {
                // A broken pipe means the same as end-of-file.
            }
            System.err.println("[coordkit-tck] parent process gone (stdin closed): halting");
            System.err.flush();
            Runtime.getRuntime().halt(ORPHANED_EXIT_STATUS);
        }, "coordkit-tck-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
