package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.testing.actor.ChildIo;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/**
 * The demo actors' common start: the arguments every actor takes ({@code URI SESSION_TTL_MILLIS ...}), and
 * its events and commands over coordkit-testing's {@link ChildIo}, the line channel the TCK's actors use too:
 * one event per line on standard output ({@code TYPE field field...}), commands on standard input, and the end
 * of standard input (the parent closed it, or died) telling the actor to clean up and exit.
 */
final class ActorIo {

    private ActorIo() {
    }

    /** The body of an actor. */
    @FunctionalInterface
    interface Body {
        /**
         * @param args the actor's arguments after the URI and the session TTL
         * @throws Exception anything; reported as an {@code ERROR} event and exit code 1
         */
        void run(String uri, Duration sessionTtl, String[] args) throws Exception;
    }

    /**
     * Runs an actor's main: parses the common arguments {@code URI SESSION_TTL_MILLIS ...}, runs the body, and
     * exits 0, or 1 after an {@code ERROR} event.
     *
     * @param args     the command line
     * @param expected how many arguments the body needs after the common ones
     * @param body     the actor's body
     */
    static void main(String[] args, int expected, Body body) {
        ChildIo.get(); // from here on, library output goes to standard error
        if (args.length != expected + 2) {
            emit("ERROR", "expected " + (expected + 2) + " arguments, got " + args.length);
            System.exit(2);
        }
        try {
            body.run(args[0], Duration.ofMillis(Long.parseLong(args[1])), Arrays.copyOfRange(args, 2, args.length));
        } catch (Throwable t) {
            emit("ERROR", t.toString().replace('\n', ' '));
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * @param uri        the backend URI
     * @param sessionTtl the session TTL
     * @return a coordinator with that TTL
     */
    static Coordinator connect(String uri, Duration sessionTtl) {
        return Coordinators.builder(uri).sessionTtl(sessionTtl).connect();
    }

    /**
     * Reports one event to the parent.
     *
     * @param type   the event type, one word
     * @param fields the fields, each without spaces
     */
    static void emit(String type, Object... fields) {
        ChildIo.get().emit(type, fields);
    }

    /**
     * @return the next command from the parent, or null when the parent closed standard input
     * @throws IOException if standard input fails
     */
    static String nextCommand() throws IOException {
        return ChildIo.get().nextLine();
    }

    /**
     * Waits for a command.
     *
     * @param expected the command
     * @throws IOException if standard input ends first
     */
    static void expect(String expected) throws IOException {
        ChildIo.get().expect(expected);
    }

    /**
     * Waits until the parent closes standard input.
     *
     * @throws IOException if standard input fails
     */
    static void awaitEndOfInput() throws IOException {
        ChildIo.get().awaitEndOfInput();
    }

    /** @return this process's id */
    static long pid() {
        return ChildIo.pid();
    }
}
