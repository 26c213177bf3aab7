package io.coordkit.testing.actor;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The child's side of an actor's line protocol: lines to the parent on standard output, lines from it on standard
 * input, the end of standard input meaning "the parent is gone". Opening it moves {@code System.out} to standard
 * error, so that library output never mixes with the protocol. Used by {@link ActorMain} and by coordctl's demo
 * actors; the parent's side is a {@link io.coordkit.testing.LocalProcess} started
 * {@linkplain io.coordkit.testing.LocalProcess.Builder#interactive() interactive}.
 */
public final class ChildIo {

    private static ChildIo instance;

    private final PrintStream out;
    private final BufferedReader in;

    private ChildIo() {
        this.out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        this.in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.setOut(System.err);
    }

    /** @return this JVM's channel to its parent (made on first use) */
    public static synchronized ChildIo get() {
        if (instance == null) {
            instance = new ChildIo();
        }
        return instance;
    }

    /**
     * Sends one line to the parent.
     *
     * @param line the line, without line breaks
     */
    public void send(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /**
     * Sends an event: its type and fields, separated by single spaces.
     *
     * @param type   one word
     * @param fields fields without spaces
     */
    public void emit(String type, Object... fields) {
        send(type + (fields.length == 0 ? "" : " " + Arrays.stream(fields).map(String::valueOf)
                .collect(Collectors.joining(" "))));
    }

    /**
     * @return the next line from the parent, or null once the parent closed standard input (or is gone)
     * @throws IOException if standard input fails
     */
    public String nextLine() throws IOException {
        return in.readLine();
    }

    /**
     * Waits for one command.
     *
     * @param expected the command
     * @throws IOException if another line or the end of input comes
     */
    public void expect(String expected) throws IOException {
        String line = nextLine();
        if (!expected.equals(line)) {
            throw new IOException("expected the command '" + expected + "' from the parent, got "
                    + (line == null ? "the end of input" : "'" + line + "'"));
        }
    }

    /**
     * Waits until the parent closes standard input, ignoring what it sends.
     *
     * @throws IOException if standard input fails
     */
    public void awaitEndOfInput() throws IOException {
        while (nextLine() != null) {
            // only the end matters
        }
    }

    /** @return this process's id */
    public static long pid() {
        return ProcessHandle.current().pid();
    }
}
