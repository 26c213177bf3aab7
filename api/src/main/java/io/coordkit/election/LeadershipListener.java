package io.coordkit.election;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Told when a candidate becomes leader and when it stops being leader. Both calls come on a coordkit thread, one at a
 * time and in order (SPI-7). With lambdas: {@code LeadershipListener.of(l -> start(l.term()), r -> stop())}.
 */
public interface LeadershipListener {

    /**
     * @param elected called with the leadership when this candidate leads
     * @param revoked called with the reason when it no longer leads, or can no longer be sure it does
     * @return a listener made of the two functions
     */
    static LeadershipListener of(Consumer<LeaderInfo> elected, Consumer<RevocationReason> revoked) {
        Objects.requireNonNull(elected, "elected");
        Objects.requireNonNull(revoked, "revoked");
        return new LeadershipListener() {
            @Override
            public void elected(LeaderInfo leadership) {
                elected.accept(leadership);
            }

            @Override
            public void revoked(RevocationReason reason) {
                revoked.accept(reason);
            }
        };
    }

    /**
     * This candidate leads. Called on a coordkit thread.
     *
     * @param leadership the leadership, with its term
     */
    void elected(LeaderInfo leadership);

    /**
     * This candidate no longer leads, or can no longer be sure it does. Stop acting as leader at once.
     *
     * @param reason why
     */
    void revoked(RevocationReason reason);

    /** Why leadership ended or became uncertain. */
    enum RevocationReason {
        /** The candidate resigned. */
        RESIGNED,
        /** The session is suspended: leadership is uncertain; it is announced again if the session survives. */
        SESSION_SUSPENDED,
        /** The session is lost, and the candidacy with it. */
        SESSION_LOST,
        /** The candidacy was closed. */
        CLOSED,
        /** The engine removed the candidacy (for example an operator deleted it). */
        REMOVED
    }
}
