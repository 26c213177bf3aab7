package io.coordkit.tck.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CheckResultTest {

    @Test
    void okResult() {
        CheckResult r = new CheckResult.Builder("SomeChecker").measure("events", 3).build("3 events");
        assertThat(r.isOk()).isTrue();
        assertThat(r.assertOk()).isSameAs(r);
        assertThat(r.violatedRules()).isEmpty();
        assertThat(r.measurement("events")).hasValue(3);
        assertThat(r.measurement("other")).isEmpty();
        assertThat(r.toString()).isEqualTo("SomeChecker on 3 events: ok\n  measurements: {events=3}");
    }

    @Test
    void failedResultNamesEveryRuleAndViolation() {
        CheckResult.Builder b = new CheckResult.Builder("SomeChecker");
        b.violation("LCK-4", "token went down");
        b.violation("LCK-2", "two holders");
        b.violation("LCK-2", "two holders again");
        CheckResult r = b.build("3 leases");
        assertThat(r.isOk()).isFalse();
        assertThat(r.violatedRules()).containsExactly("LCK-2", "LCK-4");
        assertThat(r.violations()).extracting(CheckResult.Violation::rule).containsExactly("LCK-4", "LCK-2", "LCK-2");
        assertThatThrownBy(r::assertOk).isInstanceOf(AssertionError.class)
                .hasMessage("SomeChecker on 3 leases: 3 violations [LCK-2, LCK-4] (times in ms after the earliest"
                        + " event)\n  - LCK-4: token went down\n  - LCK-2: two holders\n  - LCK-2: two holders again");
    }

    @Test
    void longReportsAreCut() {
        CheckResult.Builder b = new CheckResult.Builder("SomeChecker");
        for (int i = 0; i < 30; i++) {
            b.violation("ELE-2", "overlap " + i);
        }
        CheckResult r = b.build("history");
        assertThat(r.violations()).hasSize(30);
        assertThat(r.toString()).contains("overlap 24").doesNotContain("overlap 25").endsWith("... and 5 more");
    }
}
