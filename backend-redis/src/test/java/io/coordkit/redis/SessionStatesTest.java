package io.coordkit.redis;

import io.coordkit.session.SessionState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The mapping of what the liveness key tells onto session states. */
class SessionStatesTest {

    private final List<SessionState> told = new ArrayList<>();
    private final SessionStates states = new SessionStates(told::add);

    @Test
    void aFailedRenewalSuspendsOnceAndASuccessfulOneReconnects() {
        states.renewalFailed();
        states.renewalFailed();
        states.renewed();
        states.renewed();
        assertThat(told).containsExactly(SessionState.SUSPENDED, SessionState.RECONNECTED);
    }

    @Test
    void anExpiredKeyWhileConnectedIsSuspendedThenLostAndANewKeyConnects() {
        states.expired();
        states.renewalFailed();
        states.renewed();
        states.opened();
        assertThat(told).containsExactly(SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
    }

    @Test
    void aNewKeyWithoutALossIsNotTold() {
        states.opened();
        states.renewed();
        assertThat(told).isEmpty();
    }
}
