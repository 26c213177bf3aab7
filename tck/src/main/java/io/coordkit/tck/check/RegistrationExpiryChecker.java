package io.coordkit.tck.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks that the registration of a crashed or frozen client disappears within the bound {@code TTL + B} and
 * measures how long it took (SPEC.md REG-2, SES-3, FOV-1).
 *
 * <p>Input: the instance id of the client, the time it was killed or frozen ({@code crashedAt}), the session TTL,
 * the backend's bound B, and the membership snapshots other clients took ({@code instances(service)} calls or
 * watch notifications). A snapshot taken by a call spans the call ({@code invokedAt .. completedAt}): it shows the
 * membership at some moment within it. A watch notification is a point ({@link Snapshot#at}).
 *
 * <h2>Rules checked</h2>
 * <ul>
 *   <li>REG-2 (SES-3, FOV-1): no snapshot begun after {@code crashedAt + TTL + B} shows the instance, and some
 *   snapshot shows it gone (otherwise the history cannot tell, which is reported too).</li>
 *   <li>REG-2, only with {@link #forbidFlapping}: no snapshot taken entirely while the client was alive (from the
 *   given time to {@code crashedAt}) lacks the instance.</li>
 * </ul>
 * If the client was frozen and resumed ({@link #resumedAt}), snapshots completed after it resumed are ignored: it
 * may register again by itself (REG-7).
 *
 * <h2>Measurements</h2>
 * <ul>
 *   <li>{@code detectionNanos}: from {@code crashedAt} to the completion of the first snapshot without the
 *   instance taken after its last sighting: an upper bound of the time the engine took (absent if never seen
 *   gone);</li>
 *   <li>{@code lastSeenNanos}: from {@code crashedAt} to the start of the last snapshot that still showed the
 *   instance: a lower bound (absent if no snapshot after the crash showed it);</li>
 *   <li>{@code boundNanos}: {@code TTL + B}; {@code snapshots}: how many were judged.</li>
 * </ul>
 * Immutable and thread-safe.
 */
public final class RegistrationExpiryChecker {

    /**
     * The members of the service one observer saw.
     *
     * @param observer    who looked
     * @param invokedAt   when the call began (equal to {@code completedAt} for a notification)
     * @param completedAt when it returned, or when the notification arrived
     * @param members     the instance ids seen
     */
    public record Snapshot(String observer, long invokedAt, long completedAt, Set<String> members)
            implements Recorded {

        /** Checks and copies the arguments. */
        public Snapshot {
            Objects.requireNonNull(observer, "observer");
            members = Set.copyOf(members);
            if (completedAt < invokedAt) {
                throw new IllegalArgumentException("completedAt " + completedAt + " < invokedAt " + invokedAt);
            }
        }

        /**
         * @param observer who was told
         * @param at       when the notification arrived
         * @param members  the instance ids in it
         * @return a snapshot delivered by a watch
         */
        public static Snapshot at(String observer, long at, Set<String> members) {
            return new Snapshot(observer, at, at, members);
        }

        @Override
        public String describe(long origin) {
            String when = invokedAt == completedAt ? "at " + Fmt.time(completedAt, origin)
                    : "during " + Fmt.time(invokedAt, origin) + " .. " + Fmt.time(completedAt, origin);
            return observer + " saw " + members.stream().sorted().toList() + " " + when;
        }

        @Override
        public String toString() {
            return describe(0);
        }
    }

    private final String instanceId;
    private final long crashedAt;
    private final long ttlNanos;
    private final long boundNanos;
    private final long aliveFrom;
    private final long resumedAt;

    /**
     * @param instanceId the instance id the crashed or frozen client registered
     * @param crashedAt  when it was killed or frozen
     * @param ttl        its session TTL
     * @param bound      the backend's detection bound B
     */
    public RegistrationExpiryChecker(String instanceId, long crashedAt, Duration ttl, Duration bound) {
        this(instanceId, crashedAt, ttl.toNanos(), bound.toNanos(), Fmt.OPEN, Fmt.OPEN);
        if (ttl.isNegative() || bound.isNegative()) {
            throw new IllegalArgumentException("ttl and bound must not be negative, were " + ttl + " and " + bound);
        }
    }

    private RegistrationExpiryChecker(String instanceId, long crashedAt, long ttlNanos, long boundNanos,
                                      long aliveFrom, long resumedAt) {
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.crashedAt = crashedAt;
        this.ttlNanos = ttlNanos;
        this.boundNanos = boundNanos;
        this.aliveFrom = aliveFrom;
        this.resumedAt = resumedAt;
    }

    /**
     * @param registeredAt from when every snapshot must show the instance until the crash, e.g. when
     *                     {@code register} returned plus the operation timeout for other observers (REG-1)
     * @return a checker that also rejects the instance vanishing while its client was alive
     */
    public RegistrationExpiryChecker forbidFlapping(long registeredAt) {
        if (registeredAt > crashedAt) {
            throw new IllegalArgumentException("registeredAt " + registeredAt + " > crashedAt " + crashedAt);
        }
        return new RegistrationExpiryChecker(instanceId, crashedAt, ttlNanos, boundNanos, registeredAt, resumedAt);
    }

    /**
     * @param at when a frozen client was resumed
     * @return a checker that ignores snapshots completed after that time
     */
    public RegistrationExpiryChecker resumedAt(long at) {
        if (at < crashedAt) {
            throw new IllegalArgumentException("resumedAt " + at + " < crashedAt " + crashedAt);
        }
        return new RegistrationExpiryChecker(instanceId, crashedAt, ttlNanos, boundNanos, aliveFrom, at);
    }

    /**
     * Checks the snapshots.
     *
     * @param snapshots the membership snapshots of the service, from any observers, in any order
     * @return the verdict, with the measurements described in the class documentation
     */
    public CheckResult check(Collection<Snapshot> snapshots) {
        long origin = Math.min(crashedAt, Fmt.origin(snapshots.stream().mapToLong(Snapshot::invokedAt).toArray()));
        long deadline = crashedAt + ttlNanos + boundNanos;
        CheckResult.Builder result = new CheckResult.Builder("RegistrationExpiryChecker");
        List<Snapshot> judged = new ArrayList<>();
        for (Snapshot s : snapshots) {
            if (s.completedAt() <= resumedAt) {
                judged.add(s);
            }
        }
        judged.sort(Comparator.comparingLong(Snapshot::completedAt).thenComparingLong(Snapshot::invokedAt));
        String who = "instance " + Fmt.quote(instanceId) + " (crashed or frozen at " + Fmt.time(crashedAt, origin)
                + ", TTL " + Fmt.duration(ttlNanos) + " + B " + Fmt.duration(boundNanos) + ": deadline "
                + Fmt.time(deadline, origin) + ")";

        if (aliveFrom != Fmt.OPEN) {
            for (Snapshot s : judged) {
                if (s.invokedAt() >= aliveFrom && s.completedAt() <= crashedAt && !s.members().contains(instanceId)) {
                    result.violation("REG-2", "instance " + Fmt.quote(instanceId)
                            + " vanished while its client was alive (it must be listed from "
                            + Fmt.time(aliveFrom, origin) + " until the crash at " + Fmt.time(crashedAt, origin)
                            + "): " + s.describe(origin));
                }
            }
        }

        Snapshot lastSighting = null;
        for (Snapshot s : judged) {
            if (s.members().contains(instanceId) && s.completedAt() >= crashedAt
                    && (lastSighting == null || s.invokedAt() >= lastSighting.invokedAt())) {
                lastSighting = s;
            }
        }
        Snapshot gone = null;
        for (Snapshot s : judged) {
            if (!s.members().contains(instanceId) && s.completedAt() >= crashedAt
                    && (lastSighting == null || s.invokedAt() >= lastSighting.invokedAt())) {
                gone = s;
                break;
            }
        }
        List<Snapshot> late = judged.stream()
                .filter(s -> s.invokedAt() > deadline && s.members().contains(instanceId)).toList();
        if (!late.isEmpty()) {
            Snapshot first = late.get(0);
            Snapshot last = late.get(late.size() - 1);
            result.violation("REG-2", who + " was still listed after the deadline (SES-3, FOV-1) by "
                    + late.size() + (late.size() == 1 ? " snapshot: " : " snapshots, from ")
                    + first.describe(origin) + (late.size() == 1 ? "" : " to " + last.describe(origin))
                    + ", " + Fmt.duration(last.invokedAt() - deadline) + " after the deadline");
        }
        if (gone == null && (lastSighting == null || lastSighting.invokedAt() <= deadline)) {
            result.violation("REG-2", who + " was never seen gone: "
                    + (lastSighting == null ? "no snapshot was taken after the crash"
                    : "the last snapshot still lists it: " + lastSighting.describe(origin))
                    + "; record snapshots until it disappears or the deadline has passed");
        }

        if (gone != null) {
            result.measure("detectionNanos", gone.completedAt() - crashedAt);
        }
        if (lastSighting != null) {
            result.measure("lastSeenNanos", lastSighting.invokedAt() - crashedAt);
        }
        result.measure("boundNanos", ttlNanos + boundNanos).measure("snapshots", judged.size());
        return result.build(who + ", " + judged.size() + " snapshots");
    }
}
