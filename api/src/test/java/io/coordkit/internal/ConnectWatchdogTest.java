package io.coordkit.internal;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Capability;
import io.coordkit.spi.BackendSession;
import io.coordkit.spi.ConfigBackend;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.spi.ElectionBackend;
import io.coordkit.spi.Endpoint;
import io.coordkit.spi.EngineStatus;
import io.coordkit.spi.LockBackend;
import io.coordkit.spi.RegistryBackend;
import io.coordkit.spi.SessionEvents;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The connect timeout the core enforces around a provider's connect (URI-6). */
class ConnectWatchdogTest {

    private static final ConnectionSpec SPEC = new ConnectionSpec("fake://h:1/ns", "fake", List.of(new Endpoint("h", 1)),
            "ns", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMillis(10), Optional.empty(), Map.of());

    private static CoordinationProvider provider(Supplier<BackendSession> connect) {
        return new CoordinationProvider() {
            @Override
            public Set<String> schemes() {
                return Set.of("fake");
            }

            @Override
            public String description() {
                return "test";
            }

            @Override
            public BackendSession connect(ConnectionSpec spec, SessionEvents events) {
                return connect.get();
            }
        };
    }

    @Test
    void aSessionInTimeIsReturned() {
        Session s = new Session();
        assertThat(ConnectWatchdog.connect(provider(() -> s), SPEC, state -> { })).isSameAs(s);
    }

    @Test
    void aProviderThatHangsIsCutOffAndItsLateSessionClosed() {
        CountDownLatch release = new CountDownLatch(1);
        Session late = new Session();
        assertThatThrownBy(() -> ConnectWatchdog.connect(provider(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return late;
        }), SPEC, state -> { })).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("fake://h:1/ns").hasMessageContaining("10ms").hasMessageContaining("URI-6");
        release.countDown();
        await().untilTrue(late.closed);
    }

    @Test
    void argumentErrorsPassAndOtherFailuresMeanUnavailable() {
        assertThatThrownBy(() -> ConnectWatchdog.connect(provider(() -> {
            throw new IllegalArgumentException("bad option x (URI-3)");
        }), SPEC, state -> { })).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("bad option x (URI-3)");
        assertThatThrownBy(() -> ConnectWatchdog.connect(provider(() -> {
            throw new IllegalStateException("socket trouble");
        }), SPEC, state -> { })).isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("could not connect to fake://h:1/ns within the connect timeout of").hasMessageContaining("socket trouble");
    }

    /** A session that only knows whether it was closed. */
    private static final class Session implements BackendSession {
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public java.time.Duration sessionTtl() {
            return java.time.Duration.ofSeconds(10);
        }

        @Override
        public ConfigBackend config() {
            throw new UnsupportedOperationException();
        }

        @Override
        public LockBackend locks() {
            throw new UnsupportedOperationException();
        }

        @Override
        public RegistryBackend registry() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ElectionBackend elections() {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<EngineStatus> status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }
}
