package io.coordkit.spi;

import io.coordkit.session.SessionState;

/**
 * Where a backend reports session state changes after {@link CoordinationProvider#connect} returned. The
 * backend reports {@code SUSPENDED} as soon as contact is lost, {@code RECONNECTED} when the same session is
 * back, {@code LOST} when the session is gone, and {@code CONNECTED} when it has opened a new session after a
 * loss (the backend opens it by itself). {@code CLOSED} is reported by the core. Calls must come in the order
 * of the changes; the core relays them to the application on its own threads, so calling is cheap.
 *
 * <p>The core keeps the machine of {@link SessionState} whatever it is told: a {@code CONNECTED} that does not
 * follow {@code LOST} is taken as a new session (the core applies {@code LOST} first, so that leases are lost and
 * registrations made again); a {@code LOST} while connected is preceded by {@code SUSPENDED}, so that the
 * application always sees LOST after SUSPENDED; a {@code RECONNECTED} that does not follow {@code SUSPENDED}, and a
 * {@code SUSPENDED} after {@code LOST}, are dropped; nothing is applied once the coordinator is closing.
 */
@FunctionalInterface
public interface SessionEvents {
    /** @param state the new state */
    void stateChanged(SessionState state);
}
