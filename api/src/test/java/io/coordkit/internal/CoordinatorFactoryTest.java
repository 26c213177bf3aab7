package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.Credentials;
import io.coordkit.session.SessionState;
import io.coordkit.spi.ConnectionSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CoordinatorFactoryTest {

    @AfterEach
    void reset() {
        FakeProvider.refuseConnections = false;
    }

    private static ConnectionSpec connectAndGetSpec(Coordinators.Builder builder) {
        int before = FakeProvider.SPECS.size();
        try (Coordinator c = builder.connect()) {
            assertThat(c.sessionState()).isEqualTo(SessionState.CONNECTED);
        }
        assertThat(FakeProvider.SPECS).hasSize(before + 1);
        return FakeProvider.SPECS.get(before);
    }

    @Test
    void unknownSchemeListsTheSchemesFound() {
        assertThatThrownBy(() -> Coordinators.connect("nosuch://h1:1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown uri scheme 'nosuch'")
                .hasMessageContaining("URI-1")
                .hasMessageContaining("fake, fakemem");
        assertThat(Coordinators.availableSchemes()).contains("fake", "fakemem");
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertThat(connectAndGetSpec(Coordinators.builder("FAKE://h1:1")).scheme()).isEqualTo("fake");
    }

    @Test
    void defaultsApplyWhenNothingIsGiven() {
        ConnectionSpec spec = connectAndGetSpec(Coordinators.builder("fake://h1:1"));
        assertThat(spec.namespace()).isEqualTo("default");
        assertThat(spec.sessionTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.operationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(spec.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.credentials()).isEmpty();
        assertThat(spec.parameters()).isEmpty();
    }

    @Test
    void uriOptionsReachTheBackendAndTheBuilderWins() {
        ConnectionSpec fromUri = connectAndGetSpec(Coordinators.builder(
                "fake://u:pw@h1:1,h2:2/team/app?sessionTtl=3s&operationTimeout=700ms&connectTimeout=PT2S&flavour=x"));
        assertThat(fromUri.namespace()).isEqualTo("team/app");
        assertThat(fromUri.sessionTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(fromUri.operationTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(fromUri.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(fromUri.parameters()).containsEntry("flavour", "x");
        assertThat(fromUri.credentials()).contains(new Credentials("u", "pw"));
        assertThat(fromUri.uri()).doesNotContain("pw").contains("u:***@");
        assertThat(fromUri.hostList(99)).isEqualTo("h1:1,h2:2");

        ConnectionSpec overridden = connectAndGetSpec(Coordinators.builder("fake://h1:1/team/app?sessionTtl=3s")
                .sessionTtl(Duration.ofSeconds(4)).namespace("other").credentials(new Credentials("v", "q")));
        assertThat(overridden.sessionTtl()).isEqualTo(Duration.ofSeconds(4));
        assertThat(overridden.namespace()).isEqualTo("other");
        assertThat(overridden.credentials()).contains(new Credentials("v", "q"));
    }

    @Test
    void badOptionsFailBeforeAnyConnectionAttempt() {
        int before = FakeProvider.SPECS.size();
        assertThatThrownBy(() -> Coordinators.connect("fake://h1:1?color=red"))
                .hasMessageContaining("unknown uri option 'color'").hasMessageContaining("URI-3")
                .hasMessageContaining("flavour").hasMessageContaining("sessionTtl");
        assertThatThrownBy(() -> Coordinators.connect("fake://h1:1?sessionTtl=2s&sessionTimeout=3s"))
                .hasMessageContaining("same option");
        assertThatThrownBy(() -> Coordinators.connect("fake://h1:1?sessionTtl=500ms"))
                .hasMessageContaining("sessionTtl must be between 1s and 10m").hasMessageContaining("NAM-6");
        assertThatThrownBy(() -> Coordinators.builder("fake://h1:1").operationTimeout(Duration.ofMillis(1)).connect())
                .hasMessageContaining("operationTimeout").hasMessageContaining("NAM-6");
        assertThatThrownBy(() -> Coordinators.builder("fake://h1:1").connectTimeout(Duration.ofHours(1)).connect())
                .hasMessageContaining("connectTimeout").hasMessageContaining("NAM-6");
        assertThatThrownBy(() -> Coordinators.builder("fake://h1:1").namespace("a b").connect())
                .hasMessageContaining("namespace").hasMessageContaining("NAM-1");
        assertThatThrownBy(() -> Coordinators.connect("fake:/ns"))
                .hasMessageContaining("must name at least one host").hasMessageContaining("URI-2");
        assertThatThrownBy(() -> Coordinators.connect("fakemem://h1:1"))
                .hasMessageContaining("must not name hosts").hasMessageContaining("URI-2");
        assertThat(FakeProvider.SPECS).hasSize(before);
    }

    @Test
    void inProcessSchemeNeedsNoHosts() {
        ConnectionSpec spec = connectAndGetSpec(Coordinators.builder("fakemem:/demo"));
        assertThat(spec.endpoints()).isEmpty();
        assertThat(spec.namespace()).isEqualTo("demo");
    }

    @Test
    void unreachableEngineIsReportedAsUnavailableNamingTheUri() {
        FakeProvider.refuseConnections = true;
        assertThatThrownBy(() -> Coordinators.connect("fake://bob:hunter2@h1:1/ns"))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("fake://bob:***@h1:1/ns")
                .hasMessageNotContaining("hunter2");
    }
}
