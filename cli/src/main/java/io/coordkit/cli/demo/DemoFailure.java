package io.coordkit.cli.demo;

/** A scenario did not behave as stated; the message says what was expected and did not happen. */
final class DemoFailure extends Exception {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
        super(message);
    }
}
