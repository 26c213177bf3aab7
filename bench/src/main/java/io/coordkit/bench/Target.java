package io.coordkit.bench;

/**
 * A goal of issue 14 for one row: coordkit's operations per second at least {@code minRatio} times the other
 * side's.
 *
 * @param against  the side compared with
 * @param minRatio the least ratio coordkit/other (throughput) that meets it; 1/1.2 for "within 1.2x"
 * @param text     the goal in words
 */
record Target(Role against, double minRatio, String text) {

    /** @return the goal "at least as fast as" the other side */
    static Target atLeast(Role against, String text) {
        return new Target(against, 1.0, text);
    }

    /** @return the goal "within factor x of" the other side's cost */
    static Target within(Role against, double factor, String text) {
        return new Target(against, 1.0 / factor, text);
    }

    /**
     * @param row a measured row
     * @return whether the row meets it, or null if the row lacks a side
     */
    Boolean met(Row row) {
        Double r = row.ratio(against);
        return r == null ? null : r >= minRatio;
    }
}
