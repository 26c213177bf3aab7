package io.coordkit.etcd;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** How waiter keys are reused: the lowest free slot, never a retired one, per lease. */
class MemberKeysTest {

    private final MemberKeys keys = new MemberKeys();

    @Test
    void theLowestSlotNotHeldIsTakenAndAFreedOneIsTakenAgain() {
        MemberKeys.Slot a = keys.take("d/", "", 0x1f);
        MemberKeys.Slot b = keys.take("d/", "", 0x1f);
        assertThat(a.member()).isEqualTo("1f-0");
        assertThat(b.member()).isEqualTo("1f-1");
        assertThat(a.key().toString(StandardCharsets.UTF_8)).isEqualTo("d/1f-0");
        a.free();
        assertThat(keys.take("d/", "", 0x1f).member()).as("slot 0 is free again").isEqualTo("1f-0");
    }

    @Test
    void aRetiredSlotIsNotTakenAgainOnThatLease() {
        MemberKeys.Slot a = keys.take("d/", "", 7);
        a.retire();
        a.free(); // settled already: no effect
        assertThat(keys.take("d/", "", 7).member()).isEqualTo("7-1");
        assertThat(keys.take("d/", "", 8).member()).as("a new lease starts afresh").isEqualTo("8-0");
    }

    @Test
    void kindsAndDirectoriesHaveTheirOwnSlots() {
        assertThat(keys.take("d/", "r-", 7).member()).isEqualTo("r-7-0");
        assertThat(keys.take("d/", "w-", 7).member()).isEqualTo("w-7-0");
        assertThat(keys.take("e/", "", 7).member()).isEqualTo("7-0");
    }

    @Test
    void aSlotOfAnEarlierLeaseFreedLateDoesNotFreeTheNewLeasesSlot() {
        MemberKeys.Slot old = keys.take("d/", "", 1);
        MemberKeys.Slot now = keys.take("d/", "", 2);
        old.free();
        assertThat(keys.take("d/", "", 2).member()).isEqualTo("2-1");
        now.free();
        assertThat(keys.take("d/", "", 2).member()).isEqualTo("2-0");
    }

    @Test
    void settleFreesOnlyAfterADelete() {
        MemberKeys.Slot a = keys.take("d/", "", 3);
        a.settle(false);
        MemberKeys.Slot b = keys.take("d/", "", 3);
        assertThat(b.member()).isEqualTo("3-1");
        b.settle(true);
        assertThat(keys.take("d/", "", 3).member()).isEqualTo("3-1");
        assertThat(keys.prefixes()).isEqualTo(1);
    }
}
