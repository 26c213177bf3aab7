package io.coordkit.cli;

import io.coordkit.DurationText;
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
        return DurationText.parse(text.toLowerCase(Locale.ROOT)).orElseThrow(() ->
                new CommandLine.TypeConversionException(
                        "'" + text + "' is not a duration; write it like 500ms, 5s, 2m, 1h or PT5S"));
    }

    /**
     * @param d a duration
     * @return it briefly, for example {@code 2.48s}, {@code 12ms} or {@code 3m} ({@link DurationText#format})
     */
    static String format(Duration d) {
        return DurationText.format(d);
    }
}
