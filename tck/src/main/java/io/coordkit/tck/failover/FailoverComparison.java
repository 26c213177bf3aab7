package io.coordkit.tck.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds the side-by-side failover comparison: reads the records that {@link FailoverReport} wrote for every
 * fixture ({@code <module>/target/failover/<fixture>.json}) and writes one Markdown page with a column per
 * fixture and a row per check, so that the backends' behaviour under the same fault can be read across.
 *
 * <p>Each cell gives the outcome, the measured times (milliseconds from the fault unless the name says
 * otherwise; "timed out" where the check's bound passed first) and every safety violation recorded. Nothing is computed or rounded: the page shows what the
 * checks measured.
 *
 * <p>Run by README's test command after the suite: {@code java -cp tck/target/coordkit-tck.jar
 * io.coordkit.tck.failover.FailoverComparison target/failover-report.md .}
 */
public final class FailoverComparison {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One check of one fixture, as recorded. */
    record Entry(String fixture, String check, String rule, JsonNode node) {
    }

    private final Map<String, JsonNode> fixtures = new TreeMap<>();
    private final Map<String, Map<String, Entry>> byRule = new TreeMap<>(FailoverComparison::compareRules);
    private final List<Path> sources = new ArrayList<>();

    /**
     * Writes the comparison.
     *
     * @param args the output file, then the directories to search for {@code target/failover/*.json} (the
     *             current directory if none)
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: FailoverComparison <output.md> [directory...]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        List<Path> roots = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            roots.add(Path.of(args[i]));
        }
        if (roots.isEmpty()) {
            roots.add(Path.of("."));
        }
        FailoverComparison comparison = new FailoverComparison();
        for (Path root : roots) {
            for (Path file : find(root)) {
                comparison.add(file);
            }
        }
        if (comparison.sources.isEmpty()) {
            System.out.println("failover comparison: no failover records under " + roots + "; nothing written");
            return;
        }
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, comparison.markdown(Instant.now()));
        System.out.println("failover comparison of " + comparison.fixtures.keySet() + " written to " + out);
    }

    /**
     * @param root a directory
     * @return the failover records below it: {@code <root>/[<module>/]target/failover/*.json}, sorted
     * @throws IOException if the directory cannot be listed
     */
    static List<Path> find(Path root) throws IOException {
        try (Stream<Path> files = Files.find(root, 4, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().endsWith(".json")
                && p.getParent() != null && p.getParent().getFileName().toString().equals("failover")
                && p.getParent().getParent() != null
                && p.getParent().getParent().getFileName().toString().equals("target"))) {
            return files.sorted().toList();
        }
    }

    /**
     * Adds the records of one fixture's file.
     *
     * @param file a JSON array of {@link FailoverRecord}s
     */
    void add(Path file) {
        JsonNode array;
        try {
            array = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read failover records from " + file, e);
        }
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException(file + " is not a JSON array of failover records");
        }
        sources.add(file);
        for (JsonNode r : array) {
            String fixture = r.path("fixture").asText("?");
            String check = r.path("check").asText("?");
            String rule = r.path("rule").asText(check);
            fixtures.putIfAbsent(fixture, r);
            byRule.computeIfAbsent(rule, k -> new LinkedHashMap<>()).put(fixture, new Entry(fixture, check, rule, r));
        }
    }

    /**
     * @param now the time to state as generation time
     * @return the comparison page
     */
    String markdown(Instant now) {
        StringBuilder md = new StringBuilder();
        md.append("# Failover comparison\n\n");
        md.append("Generated ").append(now).append(" from the TCK's failover and partition checks (rules FOV-*, ")
                .append("LCK-12 and PRT-* of SPEC.md).\nTimes are milliseconds from the fault unless the name says otherwise; ")
                .append("\"violations\" lists every safety rule the check saw broken; NOT RUN marks a check whose fault ")
                .append("the setup cannot make (partitions need containers).\n\nSources:\n\n");
        for (Path p : sources) {
            md.append("- `").append(p.normalize()).append("`\n");
        }
        List<String> cols = new ArrayList<>(fixtures.keySet());

        md.append("\n## Setup\n\n| |");
        cols.forEach(f -> md.append(' ').append(f).append(" |"));
        md.append("\n|---|");
        cols.forEach(f -> md.append("---|"));
        md.append("\n| session TTL / expiry bound B |");
        for (String f : cols) {
            JsonNode b = fixtures.get(f).path("bounds");
            md.append(' ').append(ms(b.path("sessionTtlMs"))).append(" / ").append(ms(b.path("expiryBoundMs")))
                    .append(" |");
        }
        md.append("\n| recorded |");
        for (String f : cols) {
            long first = byRule.values().stream().map(m -> m.get(f)).filter(e -> e != null)
                    .mapToLong(e -> e.node().path("startedAtEpochMs").asLong(0)).filter(t -> t > 0).min().orElse(0);
            md.append(' ').append(first > 0 ? Instant.ofEpochMilli(first).toString() : "?").append(" |");
        }
        md.append("\n| capabilities claimed |");
        for (String f : cols) {
            List<String> caps = new ArrayList<>();
            fixtures.get(f).path("capabilities").forEach(c -> caps.add(c.asText()));
            caps.sort(null);
            md.append(' ').append(cell(String.join(", ", caps))).append(" |");
        }

        md.append("\n\n## Checks\n\n| Check |");
        cols.forEach(f -> md.append(' ').append(f).append(" |"));
        md.append("\n|---|");
        cols.forEach(f -> md.append("---|"));
        md.append('\n');
        for (Map.Entry<String, Map<String, Entry>> row : byRule.entrySet()) {
            Entry any = row.getValue().values().iterator().next();
            md.append("| **").append(row.getKey()).append("** ").append(cell(checkName(any))).append(" |");
            for (String f : cols) {
                Entry e = row.getValue().get(f);
                md.append(' ').append(e == null ? "not run" : summary(e.node())).append(" |");
            }
            md.append('\n');
        }

        md.append("\n## Notes\n");
        for (Map.Entry<String, Map<String, Entry>> row : byRule.entrySet()) {
            for (Entry e : row.getValue().values()) {
                JsonNode notes = e.node().path("notes");
                if (notes.isEmpty()) {
                    continue;
                }
                md.append("\n**").append(e.rule()).append(" on ").append(e.fixture()).append("**\n\n");
                notes.forEach(n -> md.append("- ").append(n.asText().replace('\n', ' ')).append('\n'));
            }
        }
        return md.toString();
    }

    private static String summary(JsonNode r) {
        List<String> parts = new ArrayList<>();
        String outcome = r.path("outcome").asText("?");
        parts.add("**" + outcome + "**");
        JsonNode violations = r.path("violations");
        parts.add(violations.size() == 0 ? "no violations" : violations.size() + " violation(s):");
        violations.forEach(v -> parts.add("⚠ " + cell(v.asText())));
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("timingsMs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> t = it.next();
            // FailoverRecord writes -1 for what did not happen within the check's bound
            parts.add(cell(t.getKey()) + " " + (t.getValue().asLong() < 0 ? "**timed out**" : t.getValue().asText()));
        }
        if (!r.path("failure").isNull() && !r.path("failure").isMissingNode()) {
            parts.add("failure: " + cell(r.path("failure").asText()));
        }
        return String.join("<br>", parts);
    }

    private static String checkName(Entry e) {
        String check = e.check();
        return check.startsWith(e.rule()) ? check.substring(e.rule().length()).trim() : check;
    }

    private static String ms(JsonNode n) {
        return n.isNumber() ? n.asLong() + " ms" : "?";
    }

    /** Makes text safe inside a Markdown table cell. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    /** FOV-2 before FOV-10, and LCK-12 after the FOV rules. */
    private static int compareRules(String a, String b) {
        String pa = a.replaceAll("-?\\d+$", "");
        String pb = b.replaceAll("-?\\d+$", "");
        if (!pa.equals(pb)) {
            return pa.equals("FOV") ? -1 : pb.equals("FOV") ? 1 : pa.compareTo(pb);
        }
        return Long.compare(number(a), number(b)) != 0 ? Long.compare(number(a), number(b)) : a.compareTo(b);
    }

    private static long number(String rule) {
        String digits = rule.replaceAll("^.*?(\\d+)$", "$1");
        return digits.chars().allMatch(Character::isDigit) && !digits.isEmpty() ? Long.parseLong(digits) : -1;
    }
}
