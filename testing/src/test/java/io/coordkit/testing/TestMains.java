package io.coordkit.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Trivial programs that the process-layer tests run in child JVMs. */
final class TestMains {

    private TestMains() {
    }

    /** Prints a counter every 20 ms, forever. */
    public static final class Ticker {
        private Ticker() {
        }

        public static void main(String[] args) throws InterruptedException {
            for (long i = 0; ; i++) {
                System.out.println("tick " + i);
                Thread.sleep(20);
            }
        }
    }

    /**
     * Starts a {@link Ticker} grandchild with {@link LocalProcess}, prints {@code pid N}, then: {@code wait} sleeps
     * forever, {@code freeze} freezes the grandchild and sleeps, {@code exit} exits normally at once.
     */
    public static final class Spawner {
        private Spawner() {
        }

        public static void main(String[] args) throws InterruptedException {
            String mode = args[0];
            Path log = Path.of(args[1]);
            LocalProcess child = LocalProcess.builder("grandchild").logFile(log)
                    .javaMain(List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"), Ticker.class.getName()).start();
            System.out.println("pid " + child.pid().orElseThrow());
            System.out.flush();
            if (mode.equals("freeze")) {
                child.freeze();
                System.out.println("frozen");
                System.out.flush();
            }
            if (mode.equals("exit")) {
                System.exit(0);
            }
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }
}
