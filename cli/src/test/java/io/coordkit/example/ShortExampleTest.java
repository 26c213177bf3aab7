package io.coordkit.example;

import io.coordkit.zookeeper.embedded.EmbeddedZooKeeper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's "A short example" is {@link ShortExample}, verbatim: this test keeps the two equal and runs the example
 * as a program of its own (as a reader would) on a fresh engine, twice, checking what it prints.
 */
class ShortExampleTest {

    private static final Path SOURCE = Path.of("src/test/java/io/coordkit/example/ShortExample.java");
    private static final Path README = Path.of("..", "README.md");

    @Test
    void readmeShowsTheExampleVerbatim() throws IOException {
        String source = Files.readString(SOURCE);
        // README shows the file from its imports on (the package line is this repository's)
        String shown = source.substring(source.indexOf("import ")).stripTrailing();
        String readme = Files.readString(README);
        int section = readme.indexOf("## A short example");
        assertThat(section).as("README has a section 'A short example'").isNotNegative();
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        int end = readme.indexOf("```", start);
        assertThat(readme.substring(start, end).stripTrailing())
                .as("README's example equals " + SOURCE + " from its first import (copy the file into README)")
                .isEqualTo(shown);
    }

    @Test
    void theExampleRunsOnAFreshEngineAndAgain() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper().start()) {
            String uri = zk.uri("shop") + "?sessionTtl=5s";
            String first = run(uri);
            assertThat(first).contains("call 1 goes to 10.0.0.7:8080", "call 2 goes to 10.0.0.8:8080",
                    "call 3 goes to 10.0.0.7:8080")
                    .containsPattern("order 42 written with fencing token \\d+")
                    .containsPattern("limits/rate 100 -> 200, version \\d+ -> \\d+")
                    .containsPattern("orders-1 leads billing in term \\d+");
            // a second run finds the value of the first and still runs through
            assertThat(run(uri)).containsPattern("limits/rate 200 -> 200, version \\d+ -> \\d+")
                    .containsPattern("orders-1 leads billing in term \\d+");
        }
    }

    private static String run(String uri) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ShortExample.class.getName());
        pb.environment().put("COORDKIT_URI", uri);
        Process p = pb.start();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        try {
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the example ends").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String printed = out.get() + "--- standard error:\n" + err.get();
        assertThat(p.exitValue()).as(printed).isZero();
        return out.get();
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "[stream failed: " + e + "]";
            }
        });
    }
}
