package io.coordkit;

import io.coordkit.session.SessionState;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A health report of the engine behind a coordinator.
 *
 * @param scheme       the backend's URI scheme
 * @param sessionState the coordinator's session state when the report was made
 * @param members      every engine member the backend knows of, reachable or not
 * @param leader       the address of the engine's leader or master, where the engine has one and it is known
 * @param roundTrip    the time one round trip to the engine took for this report
 */
public record Health(String scheme, SessionState sessionState, List<Member> members, Optional<String> leader,
                     Duration roundTrip) {

    /** Copies the member list. */
    public Health {
        members = List.copyOf(members);
    }

    /** @return true if the session is usable and at least one member answered */
    public boolean isHealthy() {
        return sessionState.isUsable() && members.stream().anyMatch(Member::reachable);
    }

    /**
     * One engine member.
     *
     * @param address   host:port as the client reaches it
     * @param reachable whether it answered
     * @param role      its role as the engine names it (leader, follower, master, replica, standalone...), or
     *                  "unknown"
     * @param version   the engine version it reports, or "unknown"
     * @param roundTrip the time its answer took, or null if it did not answer
     * @param detail    an error message when unreachable, otherwise extra engine details; never null
     */
    public record Member(String address, boolean reachable, String role, String version, Duration roundTrip,
                         String detail) {
    }
}
