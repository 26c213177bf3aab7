package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.session.SessionState;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every coordctl command shares: the global options, the output streams and {@code --help}. */
abstract class Subcommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean helpRequested;

    @ParentCommand
    Coordctl root;

    @Spec
    CommandSpec spec;

    /** @return standard output */
    final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** @return standard error */
    final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * Checks the command's arguments as the API would (names, ids, values), so that bad input fails with exit 2
     * and a message naming the argument and the rule before any connection is made. Overridden by commands
     * that take names.
     *
     * @throws IllegalArgumentException naming the argument and the rule it breaks
     */
    void validate() {
    }

    /**
     * @return true for the commands that take {@code --version N} (set, delete), which may then come before the
     *         command name like the global options
     */
    boolean acceptsVersionBeforeCommand() {
        return false;
    }

    /** @return a coordinator connected with the global options, after {@link #validate()} passed */
    final Coordinator connect() {
        validate();
        return root.connect();
    }

    /**
     * Prints {@code line} on standard output and flushes it, for commands that stream.
     *
     * @param line the line
     */
    final void emit(String line) {
        PrintWriter out = out();
        out.println(line);
        out.flush();
    }

    /**
     * Prints {@code coordctl: message} on standard error and flushes it.
     *
     * @param message the message
     */
    final void warn(String message) {
        PrintWriter err = err();
        err.println("coordctl: " + message);
        err.flush();
    }

    /**
     * Reports every session state change of a long-running command on standard error, with what it means for
     * what the command holds.
     *
     * @param coordinator the coordinator
     * @param onLost      what the loss of the session means for this command, shown after the state
     * @return the subscription
     */
    final Subscription reportSessionChanges(Coordinator coordinator, String onLost) {
        return coordinator.addSessionListener(state -> {
            if (state == SessionState.CLOSED) {
                return;
            }
            String meaning = switch (state) {
                case SUSPENDED -> " (contact with the backend lost; the session may still live)";
                case RECONNECTED -> " (contact back, same session)";
                case LOST -> " (" + onLost + ")";
                case CONNECTED -> " (new session)";
                default -> "";
            };
            warn("session " + state + meaning);
        });
    }
}
