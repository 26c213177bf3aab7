package io.coordkit.tck.runner;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;

import java.time.Duration;

/**
 * Asks a running engine which session TTL it grants ({@link Coordinator#sessionTtl()}). Engines may grant another TTL
 * than the one asked for (ZooKeeper clamps it to its {@code minSessionTimeout}, by default 2 x {@code tickTime}; etcd
 * rounds up to whole seconds); every {@code TTL + B} bound of the suites must be computed from the TTL that applies.
 */
final class EngineProbe {

    private EngineProbe() {
    }

    /**
     * @param uri a URI of the engine
     * @return the session TTL the engine granted a session opened with that URI
     * @throws io.coordkit.CoordinationException if the engine cannot be reached
     */
    static Duration grantedTtl(String uri) {
        try (Coordinator c = Coordinators.connect(uri)) {
            return c.sessionTtl();
        }
    }
}
