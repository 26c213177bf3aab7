package io.coordkit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How coordkit reads and writes durations: the syntax of URI options (SPEC.md URI-3) and the short form used in
 * every message. The one parser and the one formatter of durations in coordkit; tools (coordctl, the TCK) use them
 * so that a user writes and reads durations the same way everywhere.
 *
 * <pre>{@code
 * DurationText.parse("500ms")                  // Optional[PT0.5S]
 * DurationText.parse("PT5S")                   // Optional[PT5S]
 * DurationText.parse("soon")                   // Optional.empty
 * DurationText.format(Duration.ofMillis(2480)) // "2.48s"
 * DurationText.format(Duration.ofNanos(9_904_000), ChronoUnit.MILLIS, 2)  // "9.90ms", for a column
 * }</pre>
 */
public final class DurationText {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private DurationText() {
    }

    /**
     * Reads a duration in the syntax of URI options (URI-3): a whole number of {@code ms}, {@code s}, {@code m} or
     * {@code h} ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}), or ISO-8601 such as {@code PT5S}. Surrounding
     * blanks are ignored; units are lower case.
     *
     * @param text the text
     * @return the duration, or empty if the text is none of those forms (the caller words the error: which
     *         option or argument, which rule)
     * @throws NullPointerException if text is null
     */
    public static Optional<Duration> parse(String text) {
        String t = text.trim();
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
        }
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Optional.of(Duration.parse(t));
            } catch (DateTimeParseException e) {
                // none of the forms
            }
        }
        return Optional.empty();
    }

    /**
     * Shows a duration briefly and exactly to the millisecond: whole minutes as {@code 2m}, whole seconds as
     * {@code 5s}, less than a second as {@code 250ms} (with two decimals below a whole millisecond, {@code 0.35ms}),
     * anything else as seconds with up to three decimals, {@code 2.48s}. Whole minutes, seconds and milliseconds
     * are also valid URI syntax.
     *
     * @param d a duration, not negative
     * @return its short form
     */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        long ms = d.toMillis();
        if (ms >= 60_000 && ms % 60_000 == 0 && nanos % 1_000_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms >= 1000 && ms % 1000 == 0 && nanos % 1_000_000 == 0) {
            return ms / 1000 + "s";
        }
        if (ms < 1000) {
            return nanos % 1_000_000 == 0 ? ms + "ms" : strip(String.format(Locale.ROOT, "%.2f", nanos / 1e6)) + "ms";
        }
        return strip(String.format(Locale.ROOT, "%.3f", ms / 1000.0)) + "s";
    }

    /**
     * Shows a duration in a fixed unit with a fixed number of decimals, for columns and timelines whose entries
     * must line up: {@code format(d, MILLIS, 2)} is {@code 9.90ms}, {@code format(d, SECONDS, 2)} is {@code 0.20s},
     * {@code format(d, MILLIS, 0)} is {@code 3000ms} (whole units are truncated, and are URI syntax).
     *
     * @param d        a duration
     * @param unit     {@link ChronoUnit#MILLIS} (from the duration's nanoseconds) or {@link ChronoUnit#SECONDS}
     *                 (from its milliseconds)
     * @param decimals how many digits after the point, 0 to 9
     * @return the duration in that unit, with the unit's symbol ({@code ms}, {@code s})
     * @throws IllegalArgumentException for another unit or a number of decimals out of range
     */
    public static String format(Duration d, ChronoUnit unit, int decimals) {
        if (decimals < 0 || decimals > 9) {
            throw new IllegalArgumentException("decimals must be from 0 to 9, was " + decimals);
        }
        return switch (unit) {
            case MILLIS -> (decimals == 0 ? Long.toString(d.toMillis())
                    : String.format(Locale.ROOT, "%." + decimals + "f", d.toNanos() / 1e6)) + "ms";
            case SECONDS -> (decimals == 0 ? Long.toString(d.toMillis() / 1000)
                    : String.format(Locale.ROOT, "%." + decimals + "f", d.toMillis() / 1000.0)) + "s";
            default -> throw new IllegalArgumentException("unit must be MILLIS or SECONDS, was " + unit);
        };
    }

    private static String strip(String decimal) {
        String s = decimal.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
