/**
 * History checkers: judge what the clients of a TCK test did and saw against the rules of SPEC.md, Jepsen and
 * Porcupine style, instead of asserting on single outcomes.
 *
 * <p>A rule suite records events or operations from many threads (and child JVMs) in a {@link
 * io.coordkit.tck.check.History}, then hands a snapshot to a checker, which returns a {@link
 * io.coordkit.tck.check.CheckResult}: ok, or violations that each name the rule broken and the clients, times and
 * values involved.
 *
 * <ul>
 *   <li>{@link io.coordkit.tck.check.MutualExclusionChecker}: lock, read-write lock and semaphore leases (LCK-2,
 *   LCK-4, LCK-10, LCK-11); {@link io.coordkit.tck.check.FencedResource} is the resource that refuses stale
 *   fencing tokens (FOV-2).</li>
 *   <li>{@link io.coordkit.tck.check.LeadershipChecker}: single leader and increasing terms (ELE-2, ELE-3).</li>
 *   <li>{@link io.coordkit.tck.check.RegistrationExpiryChecker}: a crashed client's registration disappears
 *   within {@code TTL + B} (REG-2, SES-3, FOV-1), with the time measured.</li>
 *   <li>{@link io.coordkit.tck.check.WatchChecker}: a config watcher's events (CFG-6, CFG-7, CFG-8,
 *   CFG-11).</li>
 *   <li>{@link io.coordkit.tck.check.LinearizabilityChecker}: a single-key register history (CFG-10).</li>
 * </ul>
 *
 * <h2>Times</h2>
 * Every time is a {@code long} in nanoseconds from one clock: {@code System.nanoTime()} within one JVM (see
 * {@link io.coordkit.tck.check.History#now()}), or a common clock the caller provides across JVMs, converted to
 * nanoseconds. An operation is an interval from its invocation to its completion, and the checkers judge
 * intervals, not points: a violation is reported only when no ordering of the events within their intervals
 * could explain what was observed. Messages show times in milliseconds after the earliest time of the checked
 * history.
 *
 * <p>The checkers depend on the JDK only; they are immutable and thread-safe.
 */
package io.coordkit.tck.check;
