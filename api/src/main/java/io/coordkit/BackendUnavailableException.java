package io.coordkit;

/**
 * The engine could not be reached, or the circuit breaker is open because recent calls failed that way.
 * Safe to retry later; the operation did not take effect unless the message says it may have.
 */
public class BackendUnavailableException extends CoordinationException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and which engine */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what failed and which engine
     * @param cause   the underlying error
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
