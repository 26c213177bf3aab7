package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.election.LeaderInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Optional;
import java.util.SortedSet;

/** The discovery commands {@code locks}, {@code elections} and {@code namespaces}: names in use on the engine. */
final class NamesCommand {

    private NamesCommand() {
    }

    /** {@code locks}: the locks held or waited for. */
    @Command(name = "locks",
            header = "List the locks held or waited for.",
            sortOptions = false,
            description = {"List the locks, read-write locks and semaphores of the namespace that are held or "
                    + "waited for, sorted, one per line.",
                    "Example: coordctl locks"})
    static final class Locks extends Subcommand {
        @Override
        public Integer call() {
            try (Coordinator c = connect()) {
                print(this, c.admin().locks());
                return ExitCode.OK;
            }
        }
    }

    /** {@code elections}: the elections with candidates. */
    @Command(name = "elections",
            header = "List the elections that have candidates (-l: with their leaders).",
            sortOptions = false,
            description = {"List the elections of the namespace that have at least one candidate, sorted, one per "
                    + "line. With -l: 'NAME leader ID term T' or 'NAME leader none'.",
                    "Example: coordctl elections -l"})
    static final class Elections extends Subcommand {
        @Option(names = {"-l", "--long"}, description = "Show each election's leader and term")
        boolean longFormat;

        @Override
        public Integer call() {
            try (Coordinator c = connect()) {
                for (String name : c.admin().elections()) {
                    if (longFormat) {
                        Optional<LeaderInfo> l = c.elections().election(name).leader();
                        out().println(name + " leader " + l.map(i -> i.candidateId() + " term " + i.term())
                                .orElse("none"));
                    } else {
                        out().println(name);
                    }
                }
                out().flush();
                return ExitCode.OK;
            }
        }
    }

    /** {@code namespaces}: every namespace on the engine. */
    @Command(name = "namespaces",
            header = "List the namespaces on the engine.",
            sortOptions = false,
            description = {"List every namespace on the engine that holds something (config keys, deleted ones "
                    + "included, or locks, registrations, candidacies), nested ones included, sorted, one per "
                    + "line. The URI's own namespace does not matter here.",
                    "Example: coordctl namespaces"})
    static final class Namespaces extends Subcommand {
        @Override
        public Integer call() {
            try (Coordinator c = connect()) {
                print(this, c.admin().namespaces());
                return ExitCode.OK;
            }
        }
    }

    private static void print(Subcommand command, SortedSet<String> names) {
        names.forEach(command.out()::println);
        command.out().flush();
    }
}
