package io.coordkit.cli;

import io.coordkit.internal.ConnectionUri;
import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;

/** Reads durations the way coordkit URIs write them ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h},
 * {@code PT5S}) and shows them briefly. */
final class Durations implements CommandLine.ITypeConverter<Duration> {

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
        return ConnectionUri.duration(text.toLowerCase(Locale.ROOT)).orElseThrow(() ->
                new CommandLine.TypeConversionException(
                        "'" + text + "' is not a duration; write it like 500ms, 5s, 2m, 1h or PT5S"));
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
