package io.coordkit.bench;

/**
 * One side of a row: who does the work and how.
 *
 * @param role  coordkit, native or floor
 * @param label what exactly runs, for example {@code Curator InterProcessMutex}
 * @param timed one operation, blocking until done, returning the nanoseconds to record
 */
record Variant(Role role, String label, Timed timed) {

    /** One blocking operation. */
    @FunctionalInterface
    interface Op {
        void run() throws Exception;
    }

    /** One blocking operation that measures itself (when part of it must not count, such as a clean-up). */
    @FunctionalInterface
    interface Timed {
        /** @return the nanoseconds the measured part took */
        long run() throws Exception;
    }

    /** @return a side whose whole operation is timed */
    static Variant of(Role role, String label, Op op) {
        return new Variant(role, label, () -> {
            long t0 = System.nanoTime();
            op.run();
            return System.nanoTime() - t0;
        });
    }
}
