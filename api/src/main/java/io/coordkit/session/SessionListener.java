package io.coordkit.session;

/** Told of every session state change, in order. */
@FunctionalInterface
public interface SessionListener {
    /**
     * Called once for each state change, on a coordkit thread. Must not block for long.
     *
     * @param state the new state
     */
    void stateChanged(SessionState state);
}
