/**
 * Workloads and recorders: what drives clients during a rule suite or failover check and records what they did and
 * saw, for the checkers of {@link io.coordkit.tck.check} to judge.
 *
 * <ul>
 *   <li>Recorders are listeners that keep what they are told, with times and threads:
 *   {@link io.coordkit.tck.workload.LeadershipRecorder} (elections), {@link io.coordkit.tck.workload.ConfigRecorder}
 *   (config watches).</li>
 *   <li>Workloads run clients in a loop and fill a {@link io.coordkit.tck.check.History}:
 *   {@link io.coordkit.tck.workload.LinearizabilityWorkload} (config reads and writes),
 *   {@link io.coordkit.tck.workload.LockWorkload} (contended locks with a fencing resource),
 *   {@link io.coordkit.tck.workload.ElectionWorkload} (candidates that join, lead and resign).</li>
 * </ul>
 *
 * Neither judges anything: a rule suite hands their histories to a checker.
 */
package io.coordkit.tck.workload;
