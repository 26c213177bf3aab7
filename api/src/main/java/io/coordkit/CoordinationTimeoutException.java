package io.coordkit;

/**
 * An operation did not finish within its time limit (the operation timeout, or the wait a caller gave). The
 * outcome of a write that timed out is unknown: it may or may not have taken effect.
 */
public class CoordinationTimeoutException extends CoordinationException {
    private static final long serialVersionUID = 1L;

    /** @param message which operation and which limit */
    public CoordinationTimeoutException(String message) {
        super(message);
    }

    /**
     * @param message which operation and which limit
     * @param cause   the underlying error
     */
    public CoordinationTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
