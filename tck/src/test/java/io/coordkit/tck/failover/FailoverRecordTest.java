package io.coordkit.tck.failover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A time-out (-1 ns from FailoverChecks.timeUntil) stays negative in milliseconds, so "works again" fails. */
class FailoverRecordTest {

    @Test
    void aTimeOutIsRecordedAsMinusOneNotZero() {
        FailoverRecord r = new FailoverRecord("check", "FOV-3", "fixture");
        r.timing("worksAgainMs", -1);
        r.timing("tookMs", 1_999_999);
        assertThat(r.timingsMs).containsEntry("worksAgainMs", -1L).containsEntry("tookMs", 1L);
    }
}
