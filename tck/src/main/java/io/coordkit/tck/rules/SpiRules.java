package io.coordkit.tck.rules;

import io.coordkit.BackendUnavailableException;
import io.coordkit.CircuitBreakerOptions;
import io.coordkit.CoordinationException;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.RetryOptions;
import io.coordkit.Subscription;
import io.coordkit.config.ConfigEvent;
import io.coordkit.election.Candidate;
import io.coordkit.lock.LockLease;
import io.coordkit.registry.Registration;
import io.coordkit.registry.ServiceInstance;
import io.coordkit.session.SessionState;
import io.coordkit.spi.CoordinationProvider;
import io.coordkit.tck.ProxiedConnection;
import io.coordkit.tck.workload.LeadershipRecorder;
import io.coordkit.tck.workload.ConfigRecorder;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Rules SPI-1 to SPI-8: what the core does once for every backend, as far as the API shows it. Extend it and
 * implement {@link #createFixture()}.
 */
public abstract class SpiRules extends TckSuite {

    private static final Duration FAST_TIMEOUT = Duration.ofMillis(500);

    @Test
    public void required_SPI_1_backendIsFoundWithServiceLoader() {
        Coordinator c = open();
        List<String> found = new ArrayList<>();
        for (CoordinationProvider p : ServiceLoader.load(CoordinationProvider.class)) {
            assertThat(p.description()).as(rule("SPI-1", "description of %s", p.getClass().getName())).isNotBlank();
            p.schemes().forEach(s -> assertThat(s).as(rule("SPI-1", "schemes are lower case"))
                    .isEqualTo(s.toLowerCase(Locale.ROOT)));
            found.addAll(p.schemes());
        }
        assertThat(found).as(rule("SPI-1", "the backend's scheme among the providers found by ServiceLoader"))
                .contains(c.scheme());
        assertThat(Coordinators.availableSchemes()).containsAll(found);
    }

    @Test
    public void required_SPI_2_argumentsAreCheckedEvenWhenTheEngineIsUnreachable() {
        ProxiedConnection conn = clients().openProxied(b -> b.operationTimeout(FAST_TIMEOUT));
        conn.blackhole();
        Coordinator c = conn.coordinator();
        for (ThrowingCallable call : List.<ThrowingCallable>of(() -> c.config().put("a//b", "v"),
                () -> c.config().put("k", new byte[524_289]), () -> c.locks().lock("l").acquire(Duration.ofDays(1)),
                () -> c.registry().register("s", ServiceInstance.of("a/b", "h:1")),
                () -> c.elections().election("..").leader())) {
            assertThatThrownBy(call).as(rule("SPI-2", "an invalid argument while the engine is unreachable fails "
                    + "with IllegalArgumentException, not an engine error")).isInstanceOf(IllegalArgumentException.class);
        }
        conn.restore();
    }

    @Test
    public void required_SPI_3_everyNetworkCallIsBoundedByTheOperationTimeout() {
        ProxiedConnection conn = clients().openProxied(b -> b.operationTimeout(FAST_TIMEOUT)
                .retry(RetryOptions.none()).circuitBreaker(CircuitBreakerOptions.disabled()));
        Coordinator c = conn.coordinator();
        c.config().put("k", "v");
        conn.blackhole();
        List<ThrowingCallable> calls = List.of(() -> c.config().put("k", "w"), () -> c.config().get("k"),
                () -> c.config().list(""), () -> c.registry().instances("s"),
                () -> c.registry().register("s", ServiceInstance.of("i", "h:1")),
                () -> c.elections().election("e").leader(), () -> c.locks().lock("l").acquire(Duration.ofMillis(200)));
        for (ThrowingCallable call : calls) {
            long start = System.nanoTime();
            Throwable e = catchThrowable(call);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(e).as(rule("SPI-3", "a call while the engine is unreachable"))
                    .isInstanceOfAny(CoordinationTimeoutException.class, BackendUnavailableException.class);
            assertThat(took).as(rule("SPI-3", "call failed after %s with operation timeout %s (+ 200 ms wait for the "
                    + "acquire): %s", took, FAST_TIMEOUT, e)).isLessThan(FAST_TIMEOUT.plusMillis(200).plusSeconds(2));
            if (e instanceof CoordinationTimeoutException) {
                // The limit is the operation timeout (500 ms), or for the acquire its wait (200 ms) plus it.
                assertThat(e.getMessage()).as(rule("SPI-3", "a time-out names the limit")).containsPattern(
                        "500|0\\.5|200|0\\.2|700|0\\.7");
            }
        }
        conn.restore();
    }

    @Test
    public void required_SPI_4_readsAreRetriedAcrossABriefOutage() throws Exception {
        // Retries happen within the operation timeout (SPI-3): give them room for a 0.8 s outage.
        ProxiedConnection conn = clients().openProxied(b -> b.operationTimeout(Duration.ofSeconds(5))
                .retry(new RetryOptions(10, Duration.ofMillis(100), Duration.ofMillis(500)))
                .circuitBreaker(CircuitBreakerOptions.disabled()));
        Coordinator c = conn.coordinator();
        long v = c.config().put("k", "v");
        conn.cut();
        CompletableFuture<Optional<io.coordkit.config.Versioned<byte[]>>> read = c.config().getAsync("k");
        pause(Duration.ofMillis(800), "let the first attempts of the read fail during the outage");
        conn.restore();
        assertThat(read.get(30, TimeUnit.SECONDS).map(io.coordkit.config.Versioned::version))
                .as(rule("SPI-4", "a read started during a brief outage succeeds by being retried")).contains(v);
    }

    @Test
    public void required_SPI_4_writesAreTriedOnce() {
        ProxiedConnection conn = clients().openProxied(b -> b.operationTimeout(FAST_TIMEOUT)
                .retry(new RetryOptions(10, Duration.ofMillis(500), Duration.ofSeconds(1)))
                .circuitBreaker(CircuitBreakerOptions.disabled()));
        Coordinator c = conn.coordinator();
        conn.blackhole();
        long start = System.nanoTime();
        Throwable e = catchThrowable(() -> c.config().put("once", "v"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        conn.restore();
        assertThat(e).as(rule("SPI-4", "a write while the engine is unreachable"))
                .isInstanceOfAny(CoordinationTimeoutException.class, BackendUnavailableException.class);
        // Ten attempts 0.5 s apart would take over 5 s; one attempt takes about the operation timeout.
        assertThat(took).as(rule("SPI-4", "a write is tried once (failed after %s; operation timeout %s, retry "
                + "backoff 500 ms x 10)", took, FAST_TIMEOUT)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    public void required_SPI_5_circuitBreakerOpensFailsFastAndCloses() {
        Duration open = Duration.ofSeconds(2);
        ProxiedConnection conn = clients().openProxied(b -> b.operationTimeout(FAST_TIMEOUT)
                .retry(RetryOptions.none()).circuitBreaker(new CircuitBreakerOptions(true, 50, 4, 2, open)));
        Coordinator c = conn.coordinator();
        c.config().put("k", "v");
        conn.blackhole();
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> c.config().get("k")).isInstanceOf(CoordinationException.class);
        }
        long start = System.nanoTime();
        Throwable fast = catchThrowable(() -> c.config().get("k"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(fast).as(rule("SPI-5", "a call while the circuit is open"))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(fast.getMessage().toLowerCase(Locale.ROOT)).as(rule("SPI-5", "the message says the circuit is open"))
                .contains("circuit");
        assertThat(took).as(rule("SPI-5", "an open circuit fails at once (took %s)", took)).isLessThan(FAST_TIMEOUT);
        conn.restore();
        Awaitility.await(rule("SPI-5", "trial calls pass after the open duration and success closes the circuit"))
                .atMost(open.plus(ttl()).plusSeconds(10)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> c.config().get("k").isPresent());
    }

    @Test
    public void required_SPI_6_onlyCoordinationExceptionsEscapeUnderFaults() {
        ProxiedConnection conn = clients().openProxied(b -> b.operationTimeout(FAST_TIMEOUT));
        Coordinator c = conn.coordinator();
        LockLease lease = c.locks().lock("held").acquire(operationTimeout());
        conn.cut();
        List<ThrowingCallable> calls = List.of(() -> c.config().put("k", "v"), () -> c.config().get("k"),
                () -> c.config().compareAndSet("k", 3, new byte[1]), () -> c.config().delete("k"),
                () -> c.config().list(""), () -> c.registry().register("s", ServiceInstance.of("i", "h:1")),
                () -> c.registry().instances("s"), () -> c.locks().lock("l").acquire(Duration.ofMillis(100)),
                () -> c.elections().election("e").leader(), c::health, lease::checkValid);
        for (ThrowingCallable call : calls) {
            Throwable e = catchThrowable(call);
            if (e != null) {
                assertThat(e).as(rule("SPI-6", "an engine failure reaches the caller as a CoordinationException"))
                        .isInstanceOf(CoordinationException.class);
            }
        }
        conn.restore();
        lease.close();
    }

    @Test
    public void required_SPI_7_aThrowingListenerDoesNotStopLaterCalls() {
        Coordinator writer = open();
        Coordinator c = open();
        ConfigRecorder rec = new ConfigRecorder();
        rec.throwOn(1);
        Subscription sub = c.config().watch("spi7", rec);
        clients().track(sub::close);
        await("SPI-7").until(() -> rec.size() >= 1);
        writer.config().put("spi7/a", "1");
        writer.config().put("spi7/b", "2");
        await("SPI-7").untilAsserted(() -> assertThat(rec.events().stream().filter(e -> e.type()
                == ConfigEvent.Type.PUT).map(ConfigEvent::key)).as(rule("SPI-7", "events after the listener threw; "
                + "%s", rec)).contains("spi7/b"));
        assertThat(rec.overlaps()).as(rule("SPI-7", "listener calls overlapped")).isZero();
        assertThat(rec.calledOnTestThread()).as(rule("SPI-7", "listener called on the test thread")).isFalse();
        List<SessionState> states = new CopyOnWriteArrayList<>();
        c.addSessionListener(s -> {
            throw new IllegalStateException("session listener failure injected by the TCK (SPI-7)");
        });
        c.addSessionListener(states::add);
        c.close();
        await("SPI-7").untilAsserted(() -> assertThat(states).as(rule("SPI-7", "a listener after a throwing one is "
                + "still told")).contains(SessionState.CLOSED));
    }

    @Test
    public void stochastic_SPI_8_whatIsGrantedAfterTheCallerGaveUpIsReleased() throws Exception {
        stochastic();
        Coordinator holder = open();
        Coordinator giver = open();
        Coordinator checker = open();
        for (int round = 0; round < Math.max(3, stochasticRepetitions()); round++) {
            String name = "spi8-" + round;
            LockLease held = holder.locks().lock(name).acquire(operationTimeout());
            CompletableFuture<LockLease> attempt = giver.locks().lock(name).acquireAsync(Duration.ofSeconds(30));
            pause(Duration.ofMillis(100 + 50 * round), "let the attempt queue on the engine");
            // Give up at about the moment the lock is released, so that the grant may race the cancellation.
            CompletableFuture<Void> release = CompletableFuture.runAsync(held::close);
            attempt.cancel(true);
            release.get(30, TimeUnit.SECONDS);
            Optional<LockLease> taken = Awaitility.await(rule("SPI-8", "a lease granted after the caller cancelled "
                            + "is released at once (round %d)", round)).atMost(operationTimeout().plusSeconds(1))
                    .until(() -> checker.locks().lock(name).tryAcquire(), Optional::isPresent);
            taken.orElseThrow().close();
        }
        // A registration or candidacy cancelled at once may still be granted on the engine, at the latest when the
        // call's network part ends: within the operation timeout of the call (SPI-3). Being empty right after the
        // cancel proves nothing (the grant has not landed yet), and without more, being empty later does not show
        // that a grant ever landed (a cancel can beat the request, and the engine's answer is not seen). So, where
        // the fixture can route a client through a TCP proxy, that client's traffic is delayed: the request reaches
        // the engine well after the cancel, so a backend that sent it is granted it after the caller gave up (SPI-8's
        // case), and the release, delayed too, leaves the grant visible to another client for a while, which the
        // check looks for. It requires each delayed future to be still pending when cancelled, and the service and
        // the election to be empty once the late-grant window has passed (or the grant seen) and to stay so for a
        // second. It does not require the late grant to be seen (a backend may drop a request cancelled before it
        // was sent; then nothing is granted), and without a proxy it cannot tell whether one landed. A grant that
        // lands is released "at once" (SPI-8); atMost allows the release's own network call and the delays.
        Optional<ProxiedConnection> slow = proxiedIfPossible();
        Coordinator late = slow.map(ProxiedConnection::coordinator).orElse(giver);
        Duration delay = Duration.ofMillis(300);
        slow.ifPresent(p -> p.delay(delay));
        Duration lateGrant = operationTimeout().plus(delay.multipliedBy(2));
        Duration stay = Duration.ofSeconds(1);
        Duration atMost = operationTimeout().plus(delay.multipliedBy(2)).plus(stay).plusSeconds(1);
        try {
            lateGrants(checker, slow, late, delay, lateGrant, stay, atMost);
        } finally {
            slow.ifPresent(ProxiedConnection::restore);
        }
    }

    private void lateGrants(Coordinator checker, Optional<ProxiedConnection> slow, Coordinator late, Duration delay,
                            Duration lateGrant, Duration stay, Duration atMost) {
        CompletableFuture<Registration> reg = late.registry().registerAsync("spi8", ServiceInstance.of("i", "h:1"));
        boolean regCancelled = reg.cancel(true);
        if (slow.isPresent()) { // delayed by the proxy: certainly still pending (without it, it may be done already)
            assertThat(regCancelled).as(rule("SPI-8", "the registration was still pending when cancelled")).isTrue();
        } else if (!regCancelled) {
            reg.join().close(); // it completed before the cancel: the caller holds it, nothing was granted late
        }
        boolean registrationSeen = seenWithin(lateGrant, () -> !checker.registry().instances("spi8").isEmpty());
        Awaitility.await(rule("SPI-8", "a registration granted after the caller cancelled is removed and stays "
                        + "removed (proxy delay %s; the late grant was %s on the engine)", slow.isPresent() ? delay
                        : "none", registrationSeen ? "seen" : "not seen")).during(stay).atMost(atMost)
                .until(() -> checker.registry().instances("spi8").isEmpty());
        CompletableFuture<Candidate> cand = late.elections().election("spi8").joinAsync("i", Map.of(),
                new LeadershipRecorder("i"));
        boolean candCancelled = cand.cancel(true);
        if (slow.isPresent()) {
            assertThat(candCancelled).as(rule("SPI-8", "the candidacy was still pending when cancelled")).isTrue();
        } else if (!candCancelled) {
            cand.join().close(); // it completed before the cancel: the caller holds it, nothing was granted late
        }
        boolean candidacySeen = seenWithin(lateGrant, () -> checker.elections().election("spi8").leader().isPresent());
        Awaitility.await(rule("SPI-8", "a candidacy granted after the caller cancelled is withdrawn and stays "
                        + "withdrawn (proxy delay %s; the late grant was %s on the engine)", slow.isPresent() ? delay
                        : "none", candidacySeen ? "seen" : "not seen")).during(stay).atMost(atMost)
                .until(() -> checker.elections().election("spi8").leader().isEmpty());
    }

    /** @return a coordinator routed through TCP proxies, or empty if the fixture cannot route clients so */
    private Optional<ProxiedConnection> proxiedIfPossible() {
        try {
            return Optional.of(clients().openProxied());
        } catch (TestAbortedException e) {
            return Optional.empty();
        }
    }

    /** Polls the condition every 10 ms for at most {@code limit}; true as soon as it holds. */
    private static boolean seenWithin(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
