package io.coordkit.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextAndDurationsTest {

    @Test
    void parsesTheDurationFormsOfCoordkitUris() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("0s")).isZero();
        for (String bad : new String[]{"", "5", "s", "-1s", "1d", "P", "1.5s"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("PT5S");
        }
    }

    @Test
    void formatsDurationsBriefly() {
        assertThat(Durations.format(Duration.ofMillis(12))).isEqualTo("12ms");
        assertThat(Durations.format(Duration.ofSeconds(3))).isEqualTo("3s");
        assertThat(Durations.format(Duration.ofMillis(2480))).isEqualTo("2.48s");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("60m");
    }

    @Test
    void escapesValuesToOneLine() {
        assertThat(Text.oneLine("a b\tc\nd\\e\u0001")).isEqualTo("a b\\tc\\nd\\\\e\\u0001");
        assertThat(Text.metadata(Map.of("zone", "eu 1", "addr", "x"))).isEqualTo("addr=x zone=eu 1");
    }

    @Test
    void masksPasswordsInUris() {
        assertThat(Text.maskPassword("redis://user:secret@127.0.0.1:6379/ns")).isEqualTo(
                "redis://user:***@127.0.0.1:6379/ns");
        assertThat(Text.maskPassword("redis://user@127.0.0.1/ns")).isEqualTo("redis://user@127.0.0.1/ns");
        assertThat(Text.maskPassword("zookeeper://127.0.0.1:2181/ns?x=a@b")).isEqualTo(
                "zookeeper://127.0.0.1:2181/ns?x=a@b");
    }
}
