package io.coordkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public helpers that tools use instead of the core's internals: argument checks and duration text. */
class PublicHelpersTest {

    @Test
    void durationsParseInTheSyntaxOfUriOptions() {
        assertThat(DurationText.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(DurationText.parse(" 5s ")).contains(Duration.ofSeconds(5));
        assertThat(DurationText.parse("2m")).contains(Duration.ofMinutes(2));
        assertThat(DurationText.parse("1h")).contains(Duration.ofHours(1));
        assertThat(DurationText.parse("PT1.5S")).contains(Duration.ofMillis(1500));
        assertThat(DurationText.parse("5")).isEmpty();
        assertThat(DurationText.parse("5S")).as("units are lower case").isEmpty();
        assertThat(DurationText.parse("5 seconds")).isEmpty();
        assertThat(DurationText.parse("Pfoo")).isEmpty();
    }

    @Test
    void durationsAreFormattedBrieflyAndExactlyToTheMillisecond() {
        assertThat(DurationText.format(Duration.ofMillis(12))).isEqualTo("12ms");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0ms");
        assertThat(DurationText.format(Duration.ofNanos(354_000))).isEqualTo("0.35ms");
        assertThat(DurationText.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(DurationText.format(Duration.ofMillis(2480))).isEqualTo("2.48s");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(DurationText.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationText.format(Duration.ofHours(1))).isEqualTo("60m");
        assertThat(DurationText.format(Duration.ofMillis(62_480))).isEqualTo("62.48s");
        for (Duration d : new Duration[] {Duration.ofMillis(250), Duration.ofSeconds(7), Duration.ofMinutes(3)}) {
            assertThat(DurationText.parse(DurationText.format(d))).as("whole units read back").contains(d);
        }
    }

    @Test
    void durationsAreFormattedInAFixedUnitForColumns() {
        assertThat(DurationText.format(Duration.ofNanos(9_904_000), ChronoUnit.MILLIS, 2)).isEqualTo("9.90ms");
        assertThat(DurationText.format(Duration.ofMillis(10), ChronoUnit.MILLIS, 3)).isEqualTo("10.000ms");
        assertThat(DurationText.format(Duration.ofSeconds(3), ChronoUnit.MILLIS, 0)).isEqualTo("3000ms");
        assertThat(DurationText.format(Duration.ofMillis(200), ChronoUnit.SECONDS, 2)).isEqualTo("0.20s");
        assertThat(DurationText.format(Duration.ofMillis(20_999), ChronoUnit.SECONDS, 0)).isEqualTo("20s");
        assertThatThrownBy(() -> DurationText.format(Duration.ZERO, ChronoUnit.MINUTES, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DurationText.format(Duration.ZERO, ChronoUnit.MILLIS, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void argumentChecksAreTheCoordinatorsWithTheirRules() {
        assertThat(Arguments.name("key", "app/db/url")).isEqualTo("app/db/url");
        assertThatThrownBy(() -> Arguments.name("key", "/app")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key").hasMessageContaining("NAM-1");
        assertThatThrownBy(() -> Arguments.segment("id", "a/b")).hasMessageContaining("NAM-1");
        assertThat(Arguments.prefix("prefix", "")).isEmpty();
        assertThatThrownBy(() -> Arguments.value("value", new byte[Arguments.MAX_VALUE_BYTES + 1]))
                .hasMessageContaining("NAM-3");
        assertThat(Arguments.value("value", "é")).hasSize(2);
        assertThatThrownBy(() -> Arguments.metadata("meta", Map.of(" ", "v"))).hasMessageContaining("NAM-4");
        assertThatThrownBy(() -> Arguments.address("address", "a b")).hasMessageContaining("NAM-4");
        assertThatThrownBy(() -> Arguments.waitTime("--wait", Duration.ofHours(2))).hasMessageContaining("NAM-5");
        assertThatThrownBy(() -> Arguments.name("key", null)).hasMessageContaining("NAM-2");
    }

    @Test
    void uriOptionsAreReadWithoutConnecting() {
        assertThat(Coordinators.uriOptions("zookeeper://h:1/ns?operationTimeout=2s&connectTimeout=1s"))
                .containsExactly(Map.entry("operationTimeout", "2s"), Map.entry("connectTimeout", "1s"));
        assertThat(Coordinators.uriOptions("embedded:")).isEmpty();
        assertThatThrownBy(() -> Coordinators.uriOptions("zookeeper://h:1?a=1&a=2")).hasMessageContaining("URI-3");
        assertThatThrownBy(() -> Coordinators.uriOptions("no scheme")).hasMessageContaining("URI-2");
    }
}
