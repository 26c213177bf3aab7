package io.coordkit.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code coordctl demo} end to end, as a user's first command would: embedded ZooKeeper, child JVMs. */
class DemoTest {

    @Test
    void demoPlaysEveryScenarioAndPasses() {
        long start = System.nanoTime();
        Cli.Result r = Cli.run("demo");
        System.out.println(r.out());
        System.out.printf("demo took %.1f s%n", (System.nanoTime() - start) / 1e9);
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains("1/4 naming", "2/4 locking", "3/4 config", "4/4 election")
                .contains("PASS naming", "PASS locking", "PASS config", "PASS election")
                .contains("4/4 scenarios passed")
                .contains("refused")
                .doesNotContain("FAILED");
    }
}
