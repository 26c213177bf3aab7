package io.coordkit.tck.runner;

import io.coordkit.tck.BackendTck;
import io.coordkit.tck.ClusterTck;
import io.coordkit.tck.PartitionTck;
import io.coordkit.tck.rules.TckSuite;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The rules of SPEC.md, in its order, and the suites that check them. */
public final class SpecRules {

    /** Every rule of SPEC.md, in its order. */
    public static final List<String> RULES = List.of(
            "URI-1", "URI-2", "URI-3", "URI-4", "URI-5", "URI-6",
            "NAM-1", "NAM-2", "NAM-3", "NAM-4", "NAM-5", "NAM-6", "NAM-7",
            "SES-1", "SES-2", "SES-3", "SES-4", "SES-5", "SES-6", "SES-7", "SES-8",
            "REG-1", "REG-2", "REG-3", "REG-4", "REG-5", "REG-6", "REG-7",
            "LCK-1", "LCK-2", "LCK-3", "LCK-4", "LCK-5", "LCK-6", "LCK-7", "LCK-8", "LCK-9", "LCK-10", "LCK-11",
            "LCK-12",
            "CFG-1", "CFG-2", "CFG-3", "CFG-4", "CFG-5", "CFG-6", "CFG-7", "CFG-8", "CFG-9", "CFG-10", "CFG-11",
            "ELE-1", "ELE-2", "ELE-3", "ELE-4", "ELE-5", "ELE-6", "ELE-7",
            "HLT-1", "HLT-2",
            "ADM-1", "ADM-2", "ADM-3", "ADM-4",
            "SPI-1", "SPI-2", "SPI-3", "SPI-4", "SPI-5", "SPI-6", "SPI-7", "SPI-8",
            "FOV-1", "FOV-2", "FOV-3", "FOV-4", "FOV-5",
            "PRT-1", "PRT-2", "PRT-3", "PRT-4");

    /** How a test is named: standing, rule, what it checks. Before {@link #SUITES}, which needs it. */
    private static final Pattern TEST_NAME = Pattern.compile("^(required|optional|stochastic)_([A-Z]+)_(\\d+)_\\w+$");

    /**
     * Every abstract suite of the TCK, in SPEC.md order: what the nested classes of the tier classes
     * ({@link BackendTck}, {@link ClusterTck}, {@link PartitionTck}) run. Read from those classes, the one list of
     * suites.
     */
    public static final List<Class<?>> SUITES = Stream.of(BackendTck.class, ClusterTck.class, PartitionTck.class)
            .flatMap(tier -> nestedSuites(tier).stream()).<Class<?>>map(Class::getSuperclass).distinct()
            .sorted(Comparator.comparingInt(SpecRules::sectionOrder).thenComparing(Class::getName)).toList();

    private SpecRules() {
    }

    /**
     * @param tck a class with rule suites as {@link Nested} classes, declared in it or inherited
     * @return those nested classes, ordered by the SPEC.md section that most of their tests check
     */
    static List<Class<?>> nestedSuites(Class<?> tck) {
        List<Class<?>> nested = new ArrayList<>();
        for (Class<?> c = tck; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Class<?> inner : c.getDeclaredClasses()) {
                if (inner.isAnnotationPresent(Nested.class) && TckSuite.class.isAssignableFrom(inner)) {
                    nested.add(inner);
                }
            }
        }
        nested.sort(Comparator.comparingInt(SpecRules::sectionOrder).thenComparing(Class::getName));
        return nested;
    }

    /** @return the position in SPEC.md of the first rule of the section most of the suite's tests check */
    private static int sectionOrder(Class<?> suite) {
        Map<String, Long> sections = new TreeMap<>();
        for (Method m : suite.getMethods()) {
            if (m.isAnnotationPresent(Test.class)) {
                ruleOf(m.getName()).ifPresent(r -> sections.merge(r.substring(0, r.indexOf('-')), 1L, Long::sum));
            }
        }
        String section = sections.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse("");
        return order(section + "-1");
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
