package io.coordkit.tck.runner;

import io.coordkit.tck.TckFixture;
import io.coordkit.tck.failover.FailoverChecks;
import io.coordkit.tck.failover.PartitionChecks;
import io.coordkit.tck.rules.ConfigRules;
import io.coordkit.tck.rules.ElectionRules;
import io.coordkit.tck.rules.HealthRules;
import io.coordkit.tck.rules.LockRules;
import io.coordkit.tck.rules.RegistryRules;
import io.coordkit.tck.rules.SessionRules;
import io.coordkit.tck.rules.SpiRules;
import io.coordkit.tck.rules.UriRules;
import io.coordkit.tck.rules.ValidationRules;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The concrete suites the runner executes: each takes its fixture from {@link #use(Supplier)}, set by
 * {@link TckRunner} before it launches them. Not meant for a backend's own test sources (extend the suites there).
 */
public final class RunnerSuites {

    private static volatile Supplier<TckFixture> fixtures;

    private RunnerSuites() {
    }

    /** @param supplier makes a fresh fixture for each suite class */
    static void use(Supplier<TckFixture> supplier) {
        fixtures = Objects.requireNonNull(supplier);
    }

    static TckFixture newFixture() {
        Supplier<TckFixture> s = fixtures;
        if (s == null) {
            throw new IllegalStateException("RunnerSuites run outside TckRunner: no fixture set");
        }
        return s.get();
    }

    /** @return every runner suite, in SPEC.md order */
    static List<Class<?>> all() {
        return List.of(Uri.class, Validation.class, Session.class, Registry.class, Lock.class, Config.class,
                Election.class, Health.class, Spi.class, Failover.class, Partition.class);
    }

    /** URI rules. */
    public static final class Uri extends UriRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** NAM rules. */
    public static final class Validation extends ValidationRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** SES rules. */
    public static final class Session extends SessionRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** REG rules. */
    public static final class Registry extends RegistryRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** LCK rules. */
    public static final class Lock extends LockRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** CFG rules. */
    public static final class Config extends ConfigRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** ELE rules. */
    public static final class Election extends ElectionRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** HLT rules. */
    public static final class Health extends HealthRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** SPI rules. */
    public static final class Spi extends SpiRules {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** FOV checks and LCK-12. */
    public static final class Failover extends FailoverChecks {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }

    /** PRT checks. */
    public static final class Partition extends PartitionChecks {
        @Override
        protected TckFixture createFixture() {
            return newFixture();
        }
    }
}
