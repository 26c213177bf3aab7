package io.coordkit.election;

/** Told when a candidate becomes leader and when it stops being leader. */
public interface LeadershipListener {

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
