package io.coordkit.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations the way coordkit URIs write them ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code PT5S}) and shows them briefly. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * @param text a duration such as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601
     * @return the duration
     * @throws CommandLine.TypeConversionException if the text is none of those
     */
    static Duration parse(String text) {
        String t = text.trim();
        Matcher m = SHORT.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        if (t.regionMatches(true, 0, "P", 0, 1)) {
            try {
                return Duration.parse(t);
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new CommandLine.TypeConversionException(
                "'" + text + "' is not a duration; write it like 500ms, 5s, 2m, 1h or PT5S");
    }

    /**
     * @param d a duration
     * @return it briefly, for example {@code 2.48s}, {@code 12ms} or {@code 3m}
     */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(Locale.ROOT, "%.2fs", ms / 1000.0);
        }
        return ms % 60_000 == 0 ? (ms / 60_000) + "m" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
