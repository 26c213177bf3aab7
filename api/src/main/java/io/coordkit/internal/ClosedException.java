package io.coordkit.internal;

/** Use of a closed coordinator (SES-7); passes through the core unchanged. */
final class ClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    ClosedException(String message) {
        super(message);
    }
}
