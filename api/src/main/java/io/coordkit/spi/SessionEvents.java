package io.coordkit.spi;

import io.coordkit.session.SessionState;

/**
 * Where a backend reports session state changes after {@link CoordinationProvider#connect} returned. The
 * backend reports {@code SUSPENDED} as soon as contact is lost, {@code RECONNECTED} when the same session is
 * back, {@code LOST} when the session is gone, and {@code CONNECTED} when it has opened a new session after a
 * loss (the backend opens it by itself). {@code CLOSED} is reported by the core. Calls must come in the order
 * of the changes; the core relays them to the application on its own threads, so calling is cheap.
 *
 * <p>The core keeps the machine of {@link SessionState} whatever it is told, with {@link SessionStateMachine#report}
 * (a {@code CONNECTED} that does not follow {@code LOST} is a new session, a {@code LOST} while connected comes
 * after {@code SUSPENDED}, what does not fit is dropped); nothing is applied once the coordinator is closing. A
 * backend does best to feed its own observations (contact lost, session gone, contact with session N) to a
 * {@link SessionStateMachine} whose sink is this: the states it reports then already follow the machine, and the
 * backend's own listeners can hear the same states.
 */
@FunctionalInterface
public interface SessionEvents {
    /** @param state the new state */
    void stateChanged(SessionState state);
}
