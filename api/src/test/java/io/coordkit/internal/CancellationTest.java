package io.coordkit.internal;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.election.LeaderInfo;
import io.coordkit.election.LeadershipListener;
import io.coordkit.registry.ServiceInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.awaitility.Awaitility.await;

/** SPI-8: giving up on an asynchronous call cancels the backend's attempt. */
class CancellationTest {
    private Coordinator c;
    private FakeBackend b;

    @BeforeEach
    void open() {
        c = Coordinators.connect("fake://h1:1/ns");
        b = FakeProvider.last();
        b.hang = true;
    }

    @AfterEach
    void close() {
        b.hang = false;
        c.close();
    }

    @Test
    void cancellingRegisterAsyncCancelsTheBackendCall() {
        var pending = c.registry().registerAsync("svc", ServiceInstance.of("i1", "h:1"));
        await().until(() -> b.hanging.size() == 1);
        pending.cancel(true);
        await().until(() -> b.hanging.get(0).isCancelled());
    }

    @Test
    void cancellingJoinAsyncCancelsTheBackendCall() {
        var pending = c.elections().election("e").joinAsync("c1", Map.of(), new LeadershipListener() {
            @Override
            public void elected(LeaderInfo leadership) {
            }

            @Override
            public void revoked(RevocationReason reason) {
            }
        });
        await().until(() -> b.hanging.size() == 1);
        pending.cancel(true);
        await().until(() -> b.hanging.get(0).isCancelled());
    }

    @Test
    void cancellingAcquireAsyncCancelsTheBackendCall() {
        var pending = c.locks().lock("l").acquireAsync(java.time.Duration.ofSeconds(30));
        await().until(() -> b.hanging.size() == 1);
        pending.cancel(true);
        await().until(() -> b.hanging.get(0).isCancelled());
    }
}
