package io.coordkit.internal;

import io.coordkit.Coordinators;
import io.coordkit.Credentials;
import io.coordkit.RetryOptions;
import io.coordkit.config.Versioned;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NAM-2 for the API's value classes and builder, and Versioned's handling of byte arrays. */
class ApiValuesTest {

    @Test
    void nullsAreIllegalArgumentsNamingTheArgument() {
        assertThatThrownBy(() -> Coordinators.builder("fake://h1:1/ns").sessionTtl(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionTtl")
                .hasMessageContaining("NAM-2");
        assertThatThrownBy(() -> Coordinators.builder("fake://h1:1/ns").credentials(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credentials");
        assertThatThrownBy(() -> new RetryOptions(2, null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> new Credentials("u", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password");
        assertThatThrownBy(() -> new Credentials(null, "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username");
        assertThatThrownBy(() -> new Versioned<>(null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value");
    }

    @Test
    void passwordOnlyCredentials() {
        assertThat(new Credentials("", "pw").username()).isEmpty();
        assertThat(ConnectionUri.parse("redis://:pw@h1:6379/ns").credentials())
                .hasValueSatisfying(c -> assertThat(c).isEqualTo(new Credentials("", "pw")));
        assertThat(ConnectionUri.parse("redis://:pw@h1:6379/ns").masked()).isEqualTo("redis://:***@h1:6379/ns");
        assertThatThrownBy(() -> new Credentials("", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credentials(" ", "pw")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConnectionUri.parse("redis://@h1:6379")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("URI-2");
        assertThatThrownBy(() -> ConnectionUri.parse("redis://:@h1:6379")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void versionedBytesAreCopiedAndComparedByContent() {
        byte[] in = {1, 2, 3};
        Versioned<byte[]> v = new Versioned<>(in, 4);
        in[0] = 9;
        assertThat(v.value()).containsExactly(1, 2, 3);
        v.value()[1] = 9;
        assertThat(v.value()).containsExactly(1, 2, 3);
        Versioned<byte[]> same = new Versioned<>(new byte[] {1, 2, 3}, 4);
        assertThat(v).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(v).isNotEqualTo(new Versioned<>(new byte[] {1, 2, 3}, 5));
        assertThat(v).isNotEqualTo(new Versioned<>(new byte[] {1, 2}, 4));
        assertThat(new Versioned<>("a", 1)).isEqualTo(new Versioned<>("a", 1));
        assertThat(Versioned.utf8(new Versioned<>("hé".getBytes(java.nio.charset.StandardCharsets.UTF_8), 2)))
                .isEqualTo(new Versioned<>("hé", 2));
    }
}
