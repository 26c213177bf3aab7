package io.coordkit;

/**
 * A lock lease is no longer valid (released, lost with its session, or suspended while the engine is out of
 * reach), so work that needs the lock must stop.
 */
public class LockLostException extends CoordinationException {
    private static final long serialVersionUID = 1L;

    /** @param message which lock and why */
    public LockLostException(String message) {
        super(message);
    }
}
