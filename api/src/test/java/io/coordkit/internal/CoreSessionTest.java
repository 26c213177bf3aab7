package io.coordkit.internal;

import io.coordkit.Subscription;
import io.coordkit.session.SessionState;
import io.coordkit.spi.SerialExecutor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.coordkit.session.SessionState.CLOSED;
import static io.coordkit.session.SessionState.CONNECTED;
import static io.coordkit.session.SessionState.LOST;
import static io.coordkit.session.SessionState.RECONNECTED;
import static io.coordkit.session.SessionState.SUSPENDED;
import static org.assertj.core.api.Assertions.assertThat;

/** The core's session alone: what is bound, listeners and the epoch follow the normalised machine. */
class CoreSessionTest {

    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<SessionState> afterChange = new CopyOnWriteArrayList<>();
    /** Runs every task at once, on the caller's thread. */
    private final CoreSession session = new CoreSession("fake://h:1/ns", name -> new SerialExecutor(Runnable::run,
            name), closed::get, afterChange::add);

    private static final class Recorder implements SessionBound {
        final List<SessionState> seen = new CopyOnWriteArrayList<>();

        @Override
        public void sessionChanged(SessionState state) {
            seen.add(state);
        }

        @Override
        public CompletableFuture<Void> closeWithCoordinator() {
            seen.add(CLOSED);
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void whatIsBoundAndTheListenersSeeTheMachinesStatesAndLostSessionsAreCounted() {
        Recorder r = new Recorder();
        session.bind(r, (s, e) -> { });
        List<SessionState> heard = new CopyOnWriteArrayList<>();
        session.addListener(heard::add);

        session.events().stateChanged(LOST);        // straight from CONNECTED
        session.events().stateChanged(CONNECTED);
        session.events().stateChanged(RECONNECTED); // not after SUSPENDED: dropped
        session.events().stateChanged(CONNECTED);   // a new session without LOST

        List<SessionState> expected = List.of(SUSPENDED, LOST, CONNECTED, SUSPENDED, LOST, CONNECTED);
        assertThat(r.seen).isEqualTo(expected);
        assertThat(afterChange).isEqualTo(expected);
        assertThat(heard).isEqualTo(expected);
        assertThat(session.epoch()).isEqualTo(2);
        assertThat(session.state()).isEqualTo(CONNECTED);
    }

    @Test
    void bindingStartsFromTheStateAndEpochOfThatMoment() {
        session.events().stateChanged(SUSPENDED);
        session.events().stateChanged(LOST);
        Recorder r = new Recorder();
        session.bind(r, (s, e) -> r.seen.add(s == LOST && e == 1 ? LOST : CLOSED));
        session.events().stateChanged(CONNECTED);
        assertThat(r.seen).containsExactly(LOST, CONNECTED);

        session.unbind(r);
        session.events().stateChanged(SUSPENDED);
        assertThat(r.seen).as("unbound: no more changes").containsExactly(LOST, CONNECTED);
    }

    @Test
    void nothingIsAppliedOnceClosingAndCloseEndsWithClosed() {
        Recorder r = new Recorder();
        session.bind(r, (s, e) -> { });
        List<SessionState> heard = new CopyOnWriteArrayList<>();
        session.addListener(heard::add);
        closed.set(true);
        session.events().stateChanged(SUSPENDED);
        assertThat(session.unbindAll()).containsExactly(r);
        assertThat(session.unbindAll()).isEmpty();
        AtomicBoolean stopped = new AtomicBoolean();
        session.closed(() -> stopped.set(true));
        assertThat(heard).containsExactly(CLOSED);
        assertThat(session.state()).isEqualTo(CLOSED);
        assertThat(stopped).isTrue();
        assertThat(r.seen).isEmpty();
    }

    @Test
    void somethingBoundWhileClosingIsClosedAtOnce() {
        closed.set(true);
        Recorder r = new Recorder();
        session.bind(r, (s, e) -> { });
        assertThat(r.seen).containsExactly(CLOSED);
        assertThat(session.unbindAll()).isEmpty();
    }

    @Test
    void aClosedListenerHearsNothingMore() {
        List<SessionState> heard = new CopyOnWriteArrayList<>();
        Subscription s = session.addListener(heard::add);
        session.events().stateChanged(SUSPENDED);
        s.close();
        session.events().stateChanged(RECONNECTED);
        assertThat(heard).containsExactly(SUSPENDED);
    }
}
