package io.coordkit.spi;

import io.coordkit.session.SessionState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.coordkit.session.SessionState.CLOSED;
import static io.coordkit.session.SessionState.CONNECTED;
import static io.coordkit.session.SessionState.LOST;
import static io.coordkit.session.SessionState.RECONNECTED;
import static io.coordkit.session.SessionState.SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;

class SessionStateMachineTest {

    private final List<SessionState> reported = new ArrayList<>();
    private final SessionStateMachine machine = new SessionStateMachine("test", 1, reported::add);

    @Test
    void contactLostAndBackInTheSameSessionIsSuspendedThenReconnected() {
        machine.contactLost();
        machine.contactLost();
        machine.sessionOpen(1);
        machine.sessionOpen(1);
        assertThat(reported).containsExactly(SUSPENDED, RECONNECTED);
        assertThat(machine.state()).isEqualTo(RECONNECTED);
    }

    @Test
    void aLossStraightFromConnectedIsSuspendedThenLost() {
        machine.sessionLost();
        machine.sessionLost();
        assertThat(reported).containsExactly(SUSPENDED, LOST);
        assertThat(machine.isFormerSession(1)).isTrue();
        assertThat(machine.isFormerSession(2)).isFalse();
    }

    @Test
    void contactWithAnotherSessionMeansTheCurrentOneIsLost() {
        machine.sessionOpen(2);
        assertThat(reported).containsExactly(SUSPENDED, LOST, CONNECTED);
        assertThat(machine.sessionId()).isEqualTo(2);
        assertThat(machine.isFormerSession(1)).isTrue();

        reported.clear();
        machine.contactLost();
        machine.sessionOpen(3);
        assertThat(reported).as("from SUSPENDED, no second SUSPENDED").containsExactly(SUSPENDED, LOST, CONNECTED);
    }

    @Test
    void afterALossAnySessionIsANewOne() {
        machine.sessionLost();
        machine.contactLost();
        machine.sessionOpen(1);
        assertThat(reported).containsExactly(SUSPENDED, LOST, CONNECTED);
    }

    @Test
    void reportedStatesAreFittedToTheMachine() {
        machine.report(RECONNECTED); // not after SUSPENDED: dropped
        machine.report(CONNECTED);   // a new session without a LOST: LOST first
        machine.report(LOST);
        machine.report(SUSPENDED);   // after LOST: dropped
        machine.report(LOST);        // repeated: dropped
        machine.report(CONNECTED);
        machine.report(SUSPENDED);
        machine.report(SUSPENDED);
        machine.report(RECONNECTED);
        machine.report(CLOSED);      // the core's to report
        assertThat(reported).containsExactly(SUSPENDED, LOST, CONNECTED, SUSPENDED, LOST, CONNECTED, SUSPENDED,
                RECONNECTED);
    }

    @Test
    void aSinkThatThrowsDoesNotStopTheMachine() {
        List<SessionState> seen = new ArrayList<>();
        SessionStateMachine m = new SessionStateMachine("test", 1, s -> {
            seen.add(s);
            throw new IllegalStateException("listener bug");
        });
        m.sessionLost();
        m.sessionOpen(2);
        assertThat(seen).containsExactly(SUSPENDED, LOST, CONNECTED);
        assertThat(m.state()).isEqualTo(CONNECTED);
    }
}
