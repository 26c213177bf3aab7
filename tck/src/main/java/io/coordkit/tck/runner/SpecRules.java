package io.coordkit.tck.runner;

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
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rules of SPEC.md, in its order, and the suites that check them. */
public final class SpecRules {

    /** Every rule of SPEC.md, in its order. */
    public static final List<String> RULES = List.of(
            "URI-1", "URI-2", "URI-3", "URI-4", "URI-5", "URI-6",
            "NAM-1", "NAM-2", "NAM-3", "NAM-4", "NAM-5", "NAM-6", "NAM-7",
            "SES-1", "SES-2", "SES-3", "SES-4", "SES-5", "SES-6", "SES-7",
            "REG-1", "REG-2", "REG-3", "REG-4", "REG-5", "REG-6", "REG-7",
            "LCK-1", "LCK-2", "LCK-3", "LCK-4", "LCK-5", "LCK-6", "LCK-7", "LCK-8", "LCK-9", "LCK-10", "LCK-11",
            "LCK-12",
            "CFG-1", "CFG-2", "CFG-3", "CFG-4", "CFG-5", "CFG-6", "CFG-7", "CFG-8", "CFG-9", "CFG-10", "CFG-11",
            "ELE-1", "ELE-2", "ELE-3", "ELE-4", "ELE-5", "ELE-6", "ELE-7",
            "HLT-1", "HLT-2",
            "SPI-1", "SPI-2", "SPI-3", "SPI-4", "SPI-5", "SPI-6", "SPI-7", "SPI-8",
            "FOV-1", "FOV-2", "FOV-3", "FOV-4", "FOV-5",
            "PRT-1", "PRT-2", "PRT-3", "PRT-4");

    /** Every abstract suite of the TCK. */
    public static final List<Class<?>> SUITES = List.of(UriRules.class, ValidationRules.class, SessionRules.class,
            RegistryRules.class, LockRules.class, ConfigRules.class, ElectionRules.class, HealthRules.class,
            SpiRules.class, FailoverChecks.class, PartitionChecks.class);

    private static final Pattern TEST_NAME = Pattern.compile("^(required|optional|stochastic)_([A-Z]+)_(\\d+)_\\w+$");

    private SpecRules() {
    }

    /**
     * @param methodName a test method name such as {@code required_LCK_2_atMostOneValidLease}
     * @return the rule it checks, such as {@code LCK-2}, or empty if the name does not follow the convention
     */
    public static Optional<String> ruleOf(String methodName) {
        Matcher m = TEST_NAME.matcher(methodName);
        return m.matches() ? Optional.of(m.group(2) + "-" + m.group(3)) : Optional.empty();
    }

    /**
     * @param methodName a test method name
     * @return its standing: required, optional or stochastic
     */
    public static String standingOf(String methodName) {
        Matcher m = TEST_NAME.matcher(methodName);
        return m.matches() ? m.group(1) : "unknown";
    }

    /**
     * @param rule a rule id
     * @return its position in SPEC.md, for sorting (unknown rules last)
     */
    public static int order(String rule) {
        int i = RULES.indexOf(rule);
        return i < 0 ? Integer.MAX_VALUE : i;
    }
}
