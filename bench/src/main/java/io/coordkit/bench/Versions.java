package io.coordkit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The client libraries' versions (from the build) and the engines' (asked from their binaries). */
final class Versions {

    private static final Properties BUILD = new Properties();

    static {
        try (InputStream in = Versions.class.getResourceAsStream("/bench-versions.properties")) {
            if (in != null) {
                BUILD.load(in);
            }
        } catch (IOException e) {
            // versions are only reported
        }
    }

    private Versions() {
    }

    /** @return the version the build put in for that library, or "?" */
    static String of(String library) {
        return BUILD.getProperty(library, "?");
    }

    /**
     * @param command a binary and its version flag
     * @return the first line it prints, or "?"
     */
    static String ask(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            int nl = out.indexOf('\n');
            return nl < 0 ? out : out.substring(0, nl);
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
