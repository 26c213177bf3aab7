package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The child-JVM side of the demo's actors. An actor reports on standard output, one event per line
 * ({@code TYPE field field...}), and takes commands on standard input, one per line; the end of its standard
 * input (its parent closed the pipe, or died) tells it to clean up and exit.
 */
final class ActorIo {

    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private static final BufferedReader IN = new BufferedReader(new InputStreamReader(System.in,
            StandardCharsets.UTF_8));

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
        String line = type + (fields.length == 0 ? "" : " " + Arrays.stream(fields).map(String::valueOf)
                .collect(Collectors.joining(" ")));
        synchronized (OUT) {
            OUT.println(line);
        }
    }

    /**
     * @return the next command from the parent, or null when the parent closed standard input
     * @throws IOException if standard input fails
     */
    static String nextCommand() throws IOException {
        return IN.readLine();
    }

    /**
     * Waits for a command.
     *
     * @param expected the command
     * @throws IOException if standard input ends first
     */
    static void expect(String expected) throws IOException {
        String line = nextCommand();
        if (!expected.equals(line)) {
            throw new IOException("expected the command '" + expected + "' from the parent, got "
                    + (line == null ? "the end of input" : "'" + line + "'"));
        }
    }

    /**
     * Waits until the parent closes standard input.
     *
     * @throws IOException if standard input fails
     */
    static void awaitEndOfInput() throws IOException {
        while (nextCommand() != null) {
            // only the end of input matters
        }
    }

    /** @return this process's id */
    static long pid() {
        return ProcessHandle.current().pid();
    }
}
