package io.coordkit;

/**
 * The root of every failure coordkit reports for an engine operation. Bad arguments are reported as
 * {@link IllegalArgumentException} before any I/O, and use of a closed coordinator as
 * {@link IllegalStateException}; everything that goes wrong with the engine is a subclass of this.
 */
public class CoordinationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the operation and the object */
    public CoordinationException(String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the operation and the object
     * @param cause   the engine's error
     */
    public CoordinationException(String message, Throwable cause) {
        super(message, cause);
    }
}
