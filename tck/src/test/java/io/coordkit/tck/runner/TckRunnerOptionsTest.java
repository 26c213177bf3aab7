package io.coordkit.tck.runner;

import io.coordkit.tck.rules.RegistryRules;
import io.coordkit.tck.runner.TckRunner.Result;
import io.coordkit.tck.runner.TckRunner.Row;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The runner's command-line behaviour that needs no engine: rules of a suite selection, relaunch, TTL report. */
class TckRunnerOptionsTest {

    @Test
    void aSuiteSelectionListsOnlyItsOwnRulesAsNotRun() {
        List<String> rules = TckRunner.rulesOf(RunnerSuites.all().stream()
                .filter(suite -> suite.getSuperclass() == RegistryRules.class).toList());
        assertThat(rules).isNotEmpty().allMatch(r -> r.startsWith("REG-")).contains("REG-1", "REG-7");

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<Row> rows = List.of(new Row("REG-1", "RegistryRules", "required_REG_1_x", Result.PASSED, ""));
        TckRunner.printTable(rows, rules, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("rules not run: [REG-2").doesNotContain("LCK-", "CFG-", "FOV-");

        List<Row> all = rules.stream().map(r -> new Row(r, "RegistryRules", "required_" + r.replace('-', '_')
                + "_x", Result.PASSED, "")).toList();
        buf.reset();
        TckRunner.printTable(all, rules, new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(buf.toString(StandardCharsets.UTF_8)).doesNotContain("not run:");
    }

    @Test
    void theRelaunchedJvmGetsThisJvmsOptionsAndTheJvmArgs() {
        List<String> cmd = TckRunner.relaunchCommand("/backend.jar", List.of("-Xmx1g", "-Dx=y"),
                List.of("--uri", "zookeeper://127.0.0.1:1"));
        List<String> mine = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp")).toList();
        assertThat(cmd).containsSubsequence(mine.isEmpty() ? List.of("-Xmx1g") : List.of(mine.get(0), "-Xmx1g"))
                .containsSubsequence("-Xmx1g", "-Dx=y", "-cp")
                .endsWith(TckRunner.class.getName(), "--uri", "zookeeper://127.0.0.1:1")
                .noneMatch(a -> a.startsWith("-agentlib:jdwp"));
        assertThat(cmd.get(cmd.indexOf("-cp") + 1)).endsWith("/backend.jar");
    }

    @Test
    void jvmArgsWithoutAClassPathAreAUsageError() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = TckRunner.run(new String[]{"--uri", "zookeeper://127.0.0.1:1", "--jvm-arg", "-Xmx1g"},
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("--jvm-arg", "--classpath");
    }

    @Test
    void onlyTheOutermostNamespacesAreRemoved() {
        assertThat(WrittenNamespaces.outermost(java.util.Set.of("coordkit-tck/a-1", "coordkit-tck/a-1/config",
                "coordkit-tck/a-10", "coordkit-tck-probe", "coordkit-tck/b-2/x/y", "coordkit-tck/b-2/x")))
                .containsExactly("coordkit-tck-probe", "coordkit-tck/a-1", "coordkit-tck/a-10", "coordkit-tck/b-2/x");
    }

}
