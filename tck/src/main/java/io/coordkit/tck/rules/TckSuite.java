package io.coordkit.tck.rules;

import io.coordkit.Capability;
import io.coordkit.Coordinator;
import io.coordkit.tck.TckClients;
import io.coordkit.tck.TckFixture;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The base of every rule suite: owns the fixture (started once per test class) and each test's clients (a fresh
 * namespace per test, everything closed after it).
 *
 * <p>Test methods are named after the SPEC.md rule they check and its standing, like the Reactive Streams TCK:
 * <ul>
 *   <li>{@code required_LCK_2_...}: every backend must pass.</li>
 *   <li>{@code optional_LCK_9_...}: binds only a backend that declares the capability; otherwise the test is aborted
 *   with the message {@code NOT CLAIMED: <capability> (<rule>)}, shown as "not claimed" (never as passed). Where an
 *   unclaimed capability still implies a contract (READ_WRITE_LOCKS: {@code readWriteLock} throws
 *   UnsupportedOperationException), that contract is checked first.</li>
 *   <li>{@code stochastic_LCK_2_...}: a race-dependent check that can pass by luck; repeated
 *   {@link #stochasticRepetitions()} times, with histories judged by the checkers of {@code io.coordkit.tck.check}.
 *   </li>
 * </ul>
 * A test that cannot run with the given fixture (no TCP proxy, no cluster) is aborted with a message starting with
 * {@code NEEDS FIXTURE:}. Every assertion message starts with the rule it checks.
 *
 * <p>To run a suite against a backend, extend it and implement {@link #createFixture()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class TckSuite {

    /** The prefix of the abort message of a test whose capability the backend does not declare. */
    public static final String NOT_CLAIMED = "NOT CLAIMED: ";
    /** The prefix of the abort message of a test the fixture cannot support. */
    public static final String NEEDS_FIXTURE = "NEEDS FIXTURE: ";

    private TckFixture fixture;
    private Throwable fixtureFailure;
    private TckClients clients;

    /**
     * @return a new, unstarted fixture for this class's tests; started before the first test, stopped after the last
     */
    protected abstract TckFixture createFixture();

    /** @return how many times each stochastic test repeats its race (default 3) */
    protected int stochasticRepetitions() {
        return 3;
    }

    /** @return true to abort every stochastic test (reported as not run) */
    protected boolean skipStochasticTests() {
        return false;
    }

    @BeforeAll
    final void startFixture() {
        try {
            fixture = createFixture();
            fixture.start();
        } catch (Throwable e) {
            // Every test then fails with this cause, so that the report names each rule that could not be checked.
            fixtureFailure = e;
            if (fixture != null) {
                fixture.stop();
            }
        }
    }

    @AfterAll
    final void stopFixture() {
        if (fixture != null && fixtureFailure == null) {
            fixture.stop();
        }
    }

    @BeforeEach
    final void openClients(TestInfo info) {
        if (fixtureFailure != null) {
            throw new IllegalStateException("fixture " + (fixture == null ? "(not created)" : fixture.name())
                    + " did not start: " + fixtureFailure, fixtureFailure);
        }
        clients = new TckClients(fixture, info.getTestMethod().map(m -> m.getName()).orElse("test"));
    }

    @AfterEach
    final void closeClients() {
        if (clients != null) {
            clients.close();
            clients = null;
        }
    }

    /** @return the started fixture */
    protected final TckFixture fixture() {
        return fixture;
    }

    /** @return this test's clients */
    protected final TckClients clients() {
        return clients;
    }

    /** @return a new coordinator in this test's namespace, closed after the test */
    protected final Coordinator open() {
        return clients.open();
    }

    /** @return the fixture's session TTL */
    protected final Duration ttl() {
        return fixture.sessionTtl();
    }

    /** @return {@code TTL + B}: how long the engine may take to drop what a dead or frozen client held */
    protected final Duration expiry() {
        return fixture.sessionTtl().plus(fixture.expiryBound());
    }

    /** @return the fixture's operation timeout */
    protected final Duration operationTimeout() {
        return fixture.operationTimeout();
    }

    /**
     * Aborts the test as not claimed unless the coordinator's backend declares the capability.
     *
     * @param c          a coordinator of the backend
     * @param capability the capability
     * @param rule       the rule it binds, for example {@code LCK-9}
     */
    protected static void requireClaimed(Coordinator c, Capability capability, String rule) {
        if (!c.capabilities().contains(capability)) {
            Assumptions.abort(notClaimed(capability, rule));
        }
    }

    /**
     * @param capability the capability
     * @param rule       the rule
     * @return the abort message of a test whose capability is not declared
     */
    public static String notClaimed(Capability capability, String rule) {
        return NOT_CLAIMED + capability + " (" + rule + ")";
    }

    /** Aborts a stochastic test when {@link #skipStochasticTests()} says so. */
    protected final void stochastic() {
        if (skipStochasticTests()) {
            Assumptions.abort("SKIPPED: stochastic tests are switched off for this suite");
        }
    }

    /**
     * @param rule the rule the wait checks, named in the failure
     * @return an Awaitility wait that polls every 20 ms, at most the operation timeout plus a second
     */
    protected final ConditionFactory await(String rule) {
        return Awaitility.await(rule).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .atMost(operationTimeout().plusSeconds(1));
    }

    /**
     * Waits a fixed time, where the API offers nothing to wait for: for example to let an asynchronous acquire
     * queue on the engine before the next one starts (the API does not show waiters). Conditions that can be
     * observed are waited for with {@link #await(String)} instead.
     *
     * @param duration how long
     * @param why      what the pause lets happen, for the reader
     */
    protected static void pause(Duration duration, String why) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pausing to " + why, e);
        }
    }

    /**
     * @param rule the rule
     * @param what what was observed or expected
     * @param args {@link String#format} arguments
     * @return {@code "RULE: what"}, for assertion descriptions
     */
    protected static String rule(String rule, String what, Object... args) {
        return rule + ": " + (args.length == 0 ? what : String.format(what, args));
    }
}
