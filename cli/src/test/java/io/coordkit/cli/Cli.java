package io.coordkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;

/** Runs coordctl in-process with captured output, as a user would run it from a shell. */
final class Cli {

    /**
     * The outcome of one run.
     *
     * @param code the exit code
     * @param out  standard output
     * @param err  standard error
     */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    /** A run going on in the background; its output can be read while it runs. */
    static final class Running {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final CompletableFuture<Integer> code;

        private Running(String... args) {
            code = CompletableFuture.supplyAsync(() -> Coordctl.commandLine(new PrintWriter(out, true),
                    new PrintWriter(err, true)).execute(args));
        }

        /** @return what it printed so far */
        String out() {
            return out.toString();
        }

        /** @return what it printed on standard error so far */
        String err() {
            return err.toString();
        }

        /** @return the finished run */
        Result result() {
            return new Result(code.join(), out.toString(), err.toString());
        }

        /** @return true once it exited */
        boolean isDone() {
            return code.isDone();
        }
    }

    private Cli() {
    }

    /**
     * @param args the command line
     * @return the finished run
     */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Coordctl.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * @param stdin what the command reads from standard input
     * @param args  the command line
     * @return the finished run
     */
    static Result runWithInput(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Coordctl.commandLine(new java.io.ByteArrayInputStream(stdin), new PrintWriter(out, true),
                new PrintWriter(err, true), false).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * @param args the command line
     * @return the run, started in the background
     */
    static Running start(String... args) {
        return new Running(args);
    }
}
