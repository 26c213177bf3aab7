package io.coordkit;

/**
 * The session the operation depended on is gone (expired or closed by the engine); everything bound to it
 * (leases, candidacies, the old session's registrations) is gone too.
 */
public class SessionLostException extends CoordinationException {
    private static final long serialVersionUID = 1L;

    /** @param message what was lost */
    public SessionLostException(String message) {
        super(message);
    }

    /**
     * @param message what was lost
     * @param cause   the underlying error
     */
    public SessionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
