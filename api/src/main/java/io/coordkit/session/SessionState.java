package io.coordkit.session;

/**
 * The states of a coordinator's session (SPEC.md, rules SES-*).
 *
 * <pre>
 *   CONNECTED ──contact lost──▶ SUSPENDED ──same session back──▶ RECONNECTED ──▶ SUSPENDED ...
 *                                   │
 *                                   └──session expired──▶ LOST ──new session──▶ CONNECTED
 *   any state ──close()──▶ CLOSED
 * </pre>
 */
public enum SessionState {
    /** A session is established (the first one, or a new one after {@link #LOST}). */
    CONNECTED,
    /**
     * Contact with the engine is lost but the session may still live. Leases and leadership are not
     * trustworthy until {@link #RECONNECTED}: stop writes that need them.
     */
    SUSPENDED,
    /** Contact is back and the same session survived: leases and leadership held before are valid again. */
    RECONNECTED,
    /**
     * The session is gone: every lease and leadership bound to it is lost. The coordinator opens a new session
     * by itself ({@link #CONNECTED} follows) and registers its service instances again; it never re-takes
     * locks or leadership behind the application's back.
     */
    LOST,
    /** The coordinator was closed. Final. */
    CLOSED;

    /** @return true if operations can be expected to work in this state */
    public boolean isUsable() {
        return this == CONNECTED || this == RECONNECTED;
    }
}
