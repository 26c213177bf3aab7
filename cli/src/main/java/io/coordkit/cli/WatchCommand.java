package io.coordkit.cli;

import io.coordkit.Coordinator;
import io.coordkit.Subscription;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.Versioned;
import io.coordkit.Arguments;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code watch prefix}: streams config events. */
@Command(name = "watch",
        header = "Stream the changes under a prefix.",
        sortOptions = false,
        description = {"Print every change under PREFIX as it happens, until interrupted (Ctrl-C), --count changes "
                + "were seen, or --timeout runs out. One event per line:",
                "  RESYNC PREFIX N keys     the full state follows, one '  KEY VERSION VALUE' line per key",
                "                           (first, and again whenever the backend cannot prove it missed nothing)",
                "  PUT KEY VERSION VALUE    KEY was written (value escaped to one line)",
                "  DELETE KEY VERSION       KEY was deleted",
                "PREFIX '' (or none) is the whole namespace, shown as '/'.",
                "Exit code 1 if --count changes were not seen before --timeout.",
                "Example: coordctl watch app --count 1 --timeout 30s"})
final class WatchCommand extends Subcommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX", defaultValue = "",
            converter = NameArgs.Prefix.class,
            description = "Key or prefix to watch (default: the whole namespace)")
    String prefix;

    @Option(names = {"-n", "--count"}, paramLabel = "N",
            description = "Exit after N changes (PUT or DELETE; RESYNC snapshots do not count)")
    Integer count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.class,
            description = "Exit after this long")
    Duration timeout;

    @Override
    void validate() {
        Arguments.prefix("prefix", prefix);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1, was " + count);
        }
        AtomicInteger changes = new AtomicInteger();
        CompletableFuture<Void> firstSnapshot = new CompletableFuture<>();
        try (Hold hold = new Hold(err()); Coordinator c = hold.track(connect())) {
            reportSessionChanges(c, "the watch goes on in a new session and starts with a RESYNC");
            Subscription watch = c.config().watch(prefix, event -> {
                if (count != null && changes.get() >= count) {
                    return;
                }
                print(event);
                if (event.type() == ConfigEvent.Type.RESYNC) {
                    firstSnapshot.complete(null);
                }
                if (event.type() != ConfigEvent.Type.RESYNC && count != null
                        && changes.incrementAndGet() >= count) {
                    hold.stop();
                }
            });
            try (watch) {
                checkTheWatchStarts(c, firstSnapshot, hold);
                hold.await(timeout);
            }
        }
        return count != null && changes.get() < count ? ExitCode.NOT_MET : ExitCode.OK;
    }

    /**
     * A watch whose first snapshot fails keeps trying (the backend retries it); the reason is not the watch's
     * to tell. If no snapshot came within the operation timeout, a plain list of the prefix finds out why (for
     * example: not authorized), and fails the command with that error, in one line.
     */
    private void checkTheWatchStarts(Coordinator c, CompletableFuture<Void> firstSnapshot, Hold hold)
            throws InterruptedException {
        try {
            CompletableFuture.anyOf(firstSnapshot, hold.stopped())
                    .get(root.effectiveOperationTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            c.config().list(prefix); // throws what keeps the snapshot from being taken
            warn("watch on " + (prefix.isEmpty() ? "/" : prefix) + ": no snapshot yet; still waiting for it");
        } catch (ExecutionException e) {
            throw new IllegalStateException("never completes exceptionally", e);
        }
    }

    private void print(ConfigEvent event) {
        StringBuilder sb = new StringBuilder();
        switch (event.type()) {
            case PUT -> sb.append("PUT ").append(event.key()).append(' ').append(event.version()).append(' ')
                    .append(Text.oneLine(event.value().orElseThrow()));
            case DELETE -> sb.append("DELETE ").append(event.key()).append(' ').append(event.version());
            case RESYNC -> {
                sb.append("RESYNC ").append(event.key().isEmpty() ? "/" : event.key()).append(' ')
                        .append(event.snapshot().size()).append(" keys");
                for (Map.Entry<String, Versioned<byte[]>> e : event.snapshot().entrySet()) {
                    sb.append(System.lineSeparator()).append("  ").append(e.getKey()).append(' ')
                            .append(e.getValue().version()).append(' ').append(Text.oneLine(e.getValue().value()));
                }
            }
            default -> throw new IllegalStateException("unknown event type " + event.type());
        }
        emit(sb.toString());
    }
}
