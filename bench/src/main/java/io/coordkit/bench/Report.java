package io.coordkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's rows as a Markdown table of ratios (coordkit/native and coordkit/floor per engine and
 * operation, with the targets) followed by each side's latencies, and as JSON with every figure.
 */
final class Report {

    private Report() {
    }

    /**
     * @param rows        the measured rows
     * @param environment what ran where (machine, versions, mode, load), printed first
     * @return the Markdown text
     */
    static String markdown(List<Row> rows, Map<String, String> environment) {
        StringBuilder sb = new StringBuilder();
        sb.append("# coordkit benchmarks\n\n");
        for (Map.Entry<String, String> e : environment.entrySet()) {
            sb.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        sb.append("\nRatios are coordkit's operations per second over the other side's (above 1.00x coordkit is "
                + "faster; for contended rows, lock cycles of all contenders per second); the median ratio compares "
                + "p50 latencies the same way. A target is met when the throughput ratio reaches it.\n\n");
        sb.append("| engine | operation | coordkit/native | coordkit/floor | p50 ratio vs native / vs floor | target | met |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            StringBuilder targets = new StringBuilder();
            StringBuilder met = new StringBuilder();
            for (Target t : r.targets()) {
                if (targets.length() > 0) {
                    targets.append("; ");
                    met.append("; ");
                }
                targets.append(t.text());
                Boolean m = t.met(r);
                met.append(m == null ? "n/a" : m ? "yes" : "**no**");
            }
            sb.append("| ").append(r.engine()).append(" | ").append(r.operation()).append(" | ")
                    .append(ratio(r.ratio(Role.NATIVE))).append(" | ").append(ratio(r.ratio(Role.FLOOR))).append(" | ")
                    .append(ratio(r.p50Ratio(Role.NATIVE))).append(" / ").append(ratio(r.p50Ratio(Role.FLOOR)))
                    .append(" | ").append(targets).append(" | ").append(met).append(" |\n");
        }
        sb.append("\n## Each side\n\n");
        sb.append("| engine | operation | side | what runs | p50 µs | p99 µs | p99.9 µs | ops/s | server events/op | n |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            for (Stats s : r.sides().values()) {
                sb.append("| ").append(r.engine()).append(" | ").append(r.operation()).append(" | ")
                        .append(s.role().name().toLowerCase(Locale.ROOT)).append(" | ").append(s.label()).append(" | ")
                        .append(num(s.p50Micros())).append(" | ").append(num(s.p99Micros())).append(" | ")
                        .append(num(s.p999Micros())).append(" | ").append(num(s.perSecond())).append(" | ")
                        .append(s.notifications() < 0 ? "" : String.format(Locale.ROOT, "%.2f", s.notifications()))
                        .append(" | ").append(s.count()).append(" |\n");
            }
        }
        boolean notes = rows.stream().anyMatch(r -> !r.note().isEmpty());
        if (notes) {
            sb.append("\n## Notes\n\n");
            for (Row r : rows) {
                if (!r.note().isEmpty()) {
                    sb.append("- ").append(r.engine()).append(", ").append(r.operation()).append(": ")
                            .append(r.note()).append('\n');
                }
            }
        }
        List<Row> missed = rows.stream().filter(r -> !r.missed().isEmpty()).toList();
        sb.append("\n## Targets missed\n\n");
        if (missed.isEmpty()) {
            sb.append("None.\n");
        }
        for (Row r : missed) {
            for (Target t : r.missed()) {
                sb.append("- ").append(r.engine()).append(", ").append(r.operation()).append(": ").append(t.text())
                        .append(", measured ").append(ratio(r.ratio(t.against()))).append('\n');
            }
        }
        return sb.toString();
    }

    /** @return the JSON text: environment, and per row every side's figures, the ratios and the targets */
    static String json(List<Row> rows, Map<String, String> environment) {
        Json j = new Json();
        j.open('{');
        j.key("environment").open('{');
        environment.forEach((k, v) -> j.key(k).string(v));
        j.close('}');
        j.key("rows").open('[');
        for (Row r : rows) {
            j.open('{');
            j.key("engine").string(r.engine());
            j.key("operation").string(r.operation());
            j.key("coordkitOverNative").number(r.ratio(Role.NATIVE));
            j.key("coordkitOverFloor").number(r.ratio(Role.FLOOR));
            j.key("p50CoordkitOverNative").number(r.p50Ratio(Role.NATIVE));
            j.key("p50CoordkitOverFloor").number(r.p50Ratio(Role.FLOOR));
            j.key("sides").open('{');
            for (Stats s : r.sides().values()) {
                j.key(s.role().name().toLowerCase(Locale.ROOT)).open('{');
                j.key("label").string(s.label());
                j.key("count").number((double) s.count());
                j.key("p50Micros").number(s.p50Micros());
                j.key("p99Micros").number(s.p99Micros());
                j.key("p999Micros").number(s.p999Micros());
                j.key("perSecond").number(s.perSecond());
                j.key("serverEventsPerOp").number(s.notifications() >= 0 ? s.notifications() : null);
                j.close('}');
            }
            j.close('}');
            j.key("targets").open('[');
            for (Target t : r.targets()) {
                j.open('{');
                j.key("text").string(t.text());
                j.key("against").string(t.against().name().toLowerCase(Locale.ROOT));
                j.key("minRatio").number(t.minRatio());
                Boolean m = t.met(r);
                j.key("met").raw(m == null ? "null" : m.toString());
                j.close('}');
            }
            j.close(']');
            j.key("note").string(r.note());
            j.close('}');
        }
        j.close(']');
        j.close('}');
        return j.toString() + "\n";
    }

    /** A small JSON writer (the report's structure is fixed; no library needed). */
    private static final class Json {
        private final StringBuilder sb = new StringBuilder();
        private boolean first = true;
        private int depth;

        Json open(char c) {
            value();
            sb.append(c);
            depth++;
            first = true;
            return this;
        }

        Json close(char c) {
            depth--;
            newline();
            sb.append(c);
            first = false;
            return this;
        }

        Json key(String k) {
            if (!first) {
                sb.append(',');
            }
            newline();
            quote(k);
            sb.append(": ");
            first = true; // the value that follows takes no comma
            pendingKey = true;
            return this;
        }

        private boolean pendingKey;

        Json string(String v) {
            value();
            quote(v);
            first = false;
            return this;
        }

        Json number(Double v) {
            return raw(v == null || v.isNaN() || v.isInfinite() ? "null"
                    : String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", ""));
        }

        Json raw(String v) {
            value();
            sb.append(v);
            first = false;
            return this;
        }

        /** Before a value: a comma and a new line inside an array, nothing after a key. */
        private void value() {
            if (pendingKey) {
                pendingKey = false;
                return;
            }
            if (depth > 0) {
                if (!first) {
                    sb.append(',');
                }
                newline();
            }
        }

        private void newline() {
            sb.append('\n');
            sb.append("  ".repeat(Math.max(0, depth)));
        }

        private void quote(String s) {
            sb.append('"');
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\r' -> sb.append("\\r");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }

        @Override
        public String toString() {
            return sb.toString().stripLeading();
        }
    }

    /** Writes {@code <name>.md} and {@code <name>.json} into the directory. */
    static void write(Path dir, String name, List<Row> rows, Map<String, String> environment) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".md"), markdown(rows, environment));
        Files.writeString(dir.resolve(name + ".json"), json(rows, environment));
    }

    static String ratio(Double r) {
        return r == null ? "–" : String.format(Locale.ROOT, "%.2fx", r);
    }

    private static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
