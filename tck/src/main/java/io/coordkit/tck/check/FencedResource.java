package io.coordkit.tck.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * A resource protected by fencing tokens, as a storage service guarded by a lock should be (SPEC.md LCK-4,
 * FOV-2): it accepts a write only if its token is at least the highest token it has seen, and refuses a writer
 * that presents the same token as the highest but is not the writer that first presented it. So once a new holder
 * has written with its greater token, a paused or expired old holder's late write is refused.
 *
 * <p>Every attempt is recorded, accepted or refused, with the time of the resource's clock. Thread-safe.
 */
public final class FencedResource {

    /**
     * One write attempt.
     *
     * @param writer   who wrote, e.g. the client id
     * @param token    the fencing token presented
     * @param value    the value written
     * @param at       when the resource judged it
     * @param accepted whether it was accepted
     * @param reason   why it was refused; empty when accepted
     */
    public record Write(String writer, long token, String value, long at, boolean accepted, String reason)
            implements Recorded {

        /** Checks the arguments. */
        public Write {
            Objects.requireNonNull(writer, "writer");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String describe(long origin) {
            return writer + " wrote " + Fmt.quote(value) + " with token " + token + " at " + Fmt.time(at, origin)
                    + (accepted ? ": accepted" : ": refused, " + reason);
        }

        @Override
        public String toString() {
            return describe(0);
        }
    }

    private final String name;
    private final LongSupplier clock;
    private final List<Write> writes = new ArrayList<>();
    private boolean seen;
    private long highestToken;
    private String highestWriter;
    private String value;

    /**
     * A resource whose clock is {@code System.nanoTime()}.
     *
     * @param name a name for messages
     */
    public FencedResource(String name) {
        this(name, System::nanoTime);
    }

    /**
     * @param name  a name for messages
     * @param clock the clock, in nanoseconds, that stamps each write (use the history's, e.g. {@code history::now})
     */
    public FencedResource(String name, LongSupplier clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Writes a value if the token allows it: a token greater than every token seen is accepted (and becomes the
     * highest); a token equal to the highest is accepted only from the writer that first presented it; a lower
     * token is refused.
     *
     * @param writer who writes
     * @param token  the fencing token of the writer's lease
     * @param value  the value
     * @return the recorded attempt; {@link Write#accepted()} tells whether the value was stored
     */
    public synchronized Write write(String writer, long token, String value) {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(value, "value");
        String reason = "";
        if (seen && token < highestToken) {
            reason = "token " + token + " is lower than token " + highestToken + " already used by " + highestWriter;
        } else if (seen && token == highestToken && !writer.equals(highestWriter)) {
            reason = "token " + token + " was already used by " + highestWriter;
        }
        boolean accepted = reason.isEmpty();
        if (accepted) {
            seen = true;
            highestToken = token;
            highestWriter = writer;
            this.value = value;
        }
        Write write = new Write(writer, token, value, clock.getAsLong(), accepted, reason);
        writes.add(write);
        return write;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the last accepted value, or empty before the first accepted write */
    public synchronized Optional<String> value() {
        return Optional.ofNullable(value);
    }

    /** @return the highest token accepted so far, or empty before the first accepted write */
    public synchronized OptionalLong highestToken() {
        return seen ? OptionalLong.of(highestToken) : OptionalLong.empty();
    }

    /** @return every attempt, in order */
    public synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    /** @return the accepted attempts, in order */
    public synchronized List<Write> accepted() {
        return writes.stream().filter(Write::accepted).toList();
    }

    /** @return the refused attempts, in order */
    public synchronized List<Write> refused() {
        return writes.stream().filter(w -> !w.accepted()).toList();
    }

    @Override
    public synchronized String toString() {
        long origin = writes.isEmpty() ? 0 : writes.get(0).at();
        return "FencedResource " + Fmt.quote(name) + " [" + (seen ? "value " + Fmt.quote(value) + ", highest token "
                + highestToken + " by " + highestWriter : "never written") + "; " + writes.size() + " writes: "
                + Fmt.list(writes, 10, w -> w.describe(origin)) + "]";
    }
}
