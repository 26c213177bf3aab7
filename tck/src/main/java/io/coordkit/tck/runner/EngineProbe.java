package io.coordkit.tck.runner;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.Health;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a running engine which session TTL it grants. Engines may grant another TTL than the one asked for
 * (ZooKeeper clamps it to its {@code minSessionTimeout}, by default 2 × {@code tickTime}); every {@code TTL + B}
 * bound of the suites must be computed from the TTL that applies.
 *
 * <p>coordkit's API has no field for the granted TTL yet, so this reads it from the members' details of
 * {@link Coordinator#health()}, where a backend can state it as {@code negotiated session timeout N ms}
 * (ZooKeeper's backend does) or {@code granted session TTL N ms}.
 */
final class EngineProbe {

    private static final Pattern GRANTED = Pattern.compile(
            "(?:negotiated session timeout|granted session TTL)\\s*:?\\s*(\\d+)\\s*ms", Pattern.CASE_INSENSITIVE);

    private EngineProbe() {
    }

    /**
     * @param uri a URI of the engine
     * @return the session TTL the engine granted a session opened with that URI, if the backend reports it
     * @throws io.coordkit.CoordinationException if the engine cannot be reached
     */
    static Optional<Duration> grantedTtl(String uri) {
        try (Coordinator c = Coordinators.connect(uri)) {
            return grantedTtl(c.health());
        }
    }

    /**
     * @param health a health report
     * @return the granted session TTL stated in its members' details, if one states it
     */
    static Optional<Duration> grantedTtl(Health health) {
        for (Health.Member m : health.members()) {
            Matcher matcher = GRANTED.matcher(m.detail());
            if (matcher.find()) {
                return Optional.of(Duration.ofMillis(Long.parseLong(matcher.group(1))));
            }
        }
        return Optional.empty();
    }
}
