package io.coordkit.testing.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coordkit.testing.actor.Actor.ActorException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The actor protocol: every answer is matched to its request, so a late answer is never taken for the next. */
class ActorTest {

    @Test
    void theLateAnswerOfATimedOutRequestIsNotTheNextRequestsAnswer() {
        try (Actor actor = Actor.start("late-answer")) {
            assertThatThrownBy(() -> actor.request("sleep 1500", Duration.ofMillis(200)))
                    .isInstanceOf(ActorException.class).hasMessageContaining("did not answer 'sleep 1500'");
            // the actor answers 'ok sleep 1500' first, then this ping's answer; without sequence numbers the
            // ping would return "1500"
            assertThat(actor.ping()).isEqualTo("NOT_CONNECTED");
            assertThat(actor.request("sleep 10")).containsExactly("10");
        }
    }

    @Test
    void anErrorAnswerIsTheRequestsOwn() {
        try (Actor actor = Actor.start("errors")) {
            assertThatThrownBy(() -> actor.request("lease nothing"))
                    .isInstanceOf(ActorException.class).hasMessageContaining("'lease nothing' failed")
                    .hasMessageContaining("no lease of nothing");
            assertThat(actor.ping()).isEqualTo("NOT_CONNECTED");
        }
    }
}
