package io.coordkit.tck.runner;

import io.coordkit.tck.BackendTck;
import io.coordkit.tck.rules.HealthRules;
import io.coordkit.tck.rules.ElectionRules;
import io.coordkit.tck.rules.ConfigRules;
import io.coordkit.tck.rules.LockRules;
import io.coordkit.tck.rules.SessionRules;
import io.coordkit.tck.failover.PartitionChecks;
import io.coordkit.tck.ClusterTck;
import io.coordkit.tck.failover.FailoverChecks;
import io.coordkit.tck.rules.TckSuite;
import io.coordkit.tck.rules.UriRules;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecRulesTest {

    private static List<String> testMethods() {
        List<String> names = new ArrayList<>();
        for (Class<?> suite : SpecRules.SUITES) {
            for (Method m : suite.getMethods()) {
                if (m.isAnnotationPresent(Test.class)) {
                    names.add(m.getName());
                }
            }
        }
        return names;
    }

    @Test
    void everyRuleOfTheSpecHasATest() {
        Set<String> covered = new TreeSet<>();
        testMethods().forEach(n -> SpecRules.ruleOf(n).ifPresent(covered::add));
        assertThat(covered).containsAll(SpecRules.RULES);
    }

    @Test
    void everyTestIsNamedAfterItsRuleAndStanding() {
        assertThat(testMethods()).isNotEmpty().allSatisfy(n -> {
            assertThat(SpecRules.ruleOf(n)).as(n).isPresent();
            assertThat(SpecRules.RULES).as(n).contains(SpecRules.ruleOf(n).orElseThrow());
        });
    }

    @Test
    void theRuleListMatchesSpecMd() throws IOException {
        Path spec = Path.of("..", "SPEC.md");
        assertThat(spec).exists();
        Matcher m = Pattern.compile("(?m)^- \\*\\*([A-Z]+-\\d+)\\*\\*").matcher(Files.readString(spec));
        List<String> inSpec = new ArrayList<>();
        while (m.find()) {
            inSpec.add(m.group(1));
        }
        assertThat(SpecRules.RULES).isEqualTo(inSpec);
    }

    @Test
    void theSuitesAreReadFromTheNestedClassesOfTheTckInSpecOrder() {
        assertThat(SpecRules.SUITES).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(10).allSatisfy(s -> {
            assertThat(TckSuite.class.isAssignableFrom(s)).as(s.getName()).isTrue();
            assertThat(Modifier.isAbstract(s.getModifiers())).as(s.getName()).isTrue();
        });
        assertThat(SpecRules.SUITES.get(0)).isEqualTo(UriRules.class);
        assertThat(SpecRules.SUITES.subList(SpecRules.SUITES.size() - 2, SpecRules.SUITES.size()))
                .containsExactly(FailoverChecks.class, PartitionChecks.class);
        List<Class<?>> runner = RunnerSuites.all().stream().<Class<?>>map(Class::getSuperclass).toList();
        assertThat(runner).isEqualTo(SpecRules.SUITES);
        List<Class<?>> backend = SpecRules.nestedSuites(BackendTck.class).stream()
                .<Class<?>>map(Class::getSuperclass).toList();
        assertThat(backend).as("BackendTck: every rule suite, not the failover and partition checks")
                .isEqualTo(SpecRules.SUITES.subList(0, SpecRules.SUITES.size() - 2));
        List<Class<?>> cluster = SpecRules.nestedSuites(ClusterTck.class).stream()
                .<Class<?>>map(Class::getSuperclass).toList();
        assertThat(cluster).as("ClusterTck: the replicated rule suites and the failover checks")
                .containsExactly(SessionRules.class, LockRules.class, ConfigRules.class, ElectionRules.class,
                        HealthRules.class, FailoverChecks.class);
    }

    @Test
    void junitFindsTheInheritedNestedSuitesOfABackendsTckClass() {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(RunnerSuites.All.class)).build());
        Set<String> suites = new TreeSet<>();
        Set<String> tests = new TreeSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            plan.getDescendants(root).forEach(id -> {
                id.getSource().filter(ClassSource.class::isInstance)
                        .ifPresent(s -> suites.add(((ClassSource) s).getJavaClass().getSimpleName()));
                id.getSource().filter(MethodSource.class::isInstance)
                        .ifPresent(s -> tests.add(((MethodSource) s).getMethodName()));
            });
        }
        assertThat(suites).contains("All", "Uri", "Name", "Lock").hasSize(SpecRules.SUITES.size() - 2 + 1);
        assertThat(RunnerSuites.all()).hasSize(SpecRules.SUITES.size());
        for (Class<?> suite : RunnerSuites.all()) {
            TestPlan one = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                    .selectors(RunnerSuites.selector(suite)).build());
            one.getRoots().forEach(root -> one.getDescendants(root).forEach(id -> id.getSource()
                    .filter(MethodSource.class::isInstance)
                    .ifPresent(s -> tests.add(((MethodSource) s).getMethodName()))));
        }
        assertThat(tests).containsAll(testMethods());
        // the runner's selection of one suite runs it within an instance of All
        TestPlan one = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(RunnerSuites.selector(RunnerSuites.all().get(0))).build());
        assertThat(one.countTestIdentifiers(TestIdentifier::isTest)).isPositive();
    }

    @Test
    void ruleAndStandingAreParsedFromTestNames() {
        assertThat(SpecRules.ruleOf("required_LCK_2_atMostOneValidLease")).contains("LCK-2");
        assertThat(SpecRules.ruleOf("optional_CFG_11_x")).contains("CFG-11");
        assertThat(SpecRules.standingOf("stochastic_LCK_2_x")).isEqualTo("stochastic");
        assertThat(SpecRules.ruleOf("helper")).isEmpty();
        assertThat(SpecRules.order("URI-1")).isLessThan(SpecRules.order("FOV-5"));
    }

    @Test
    void runnerRefusesBadUsageWithStatus2() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        assertThat(TckRunner.run(new String[] {"--bogus"}, out)).isEqualTo(2);
        assertThat(TckRunner.run(new String[] {}, out)).isEqualTo(2);
        assertThat(TckRunner.run(new String[] {"--fixture", "no-such-fixture"}, out)).isEqualTo(2);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("unknown argument --bogus")
                .contains("zookeeper-ensemble");
    }

    @Test
    void runnerParsesDurations() {
        assertThat(TckRunner.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(TckRunner.duration("3s")).isEqualTo(Duration.ofSeconds(3));
        assertThat(TckRunner.duration("PT4S")).isEqualTo(Duration.ofSeconds(4));
        assertThat(TckRunner.duration("2m")).as("the syntax of URI options (URI-3)").isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> TckRunner.duration("3S")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TckRunner.duration("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tableShowsEveryResultAndCounts() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        TckRunner.printTable(List.of(
                new TckRunner.Row("LCK-9", "LockRules", "optional_LCK_9_fairOrder", TckRunner.Result.NOT_CLAIMED,
                        "NOT CLAIMED: FAIR_LOCKS (LCK-9)"),
                new TckRunner.Row("LCK-2", "LockRules", "required_LCK_2_x", TckRunner.Result.FAILED, "LCK-2: two\nholders"),
                new TckRunner.Row("URI-1", "UriRules", "required_URI_1_x", TckRunner.Result.PASSED, "")),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String table = buf.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("NOT CLAIMED", "FAILED", "PASSED", "LCK-2: two holders", "1 passed, 1 failed")
                .contains("rules not run: [URI-2");
        assertThat(table.indexOf("URI-1")).isLessThan(table.indexOf("LCK-2"));
    }
}
