package io.coordkit.tck.rules;

import io.coordkit.BackendUnavailableException;
import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.Credentials;
import io.coordkit.tck.TckUris;
import io.coordkit.testing.FreePorts;
import io.coordkit.spi.CoordinationProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rules URI-1 to URI-6: connecting. Extend it and implement {@link #createFixture()}. */
public abstract class UriRules extends TckSuite {

    private TckUris base() {
        return TckUris.parse(clients().uri());
    }

    /** @return the fixture's URI with its hosts replaced by a port on 127.0.0.1 where nothing listens */
    private TckUris unreachable() {
        return base().withHosts("127.0.0.1:" + FreePorts.next());
    }

    private Optional<CoordinationProvider> provider(String scheme) {
        for (CoordinationProvider p : ServiceLoader.load(CoordinationProvider.class)) {
            if (p.schemes().contains(scheme.toLowerCase(Locale.ROOT))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Test
    public void required_URI_1_providerIsChosenByScheme() {
        TckUris uri = base();
        Coordinator c = clients().track(Coordinators.connect(uri.toString()));
        assertThat(c.scheme()).as(rule("URI-1", "scheme of the coordinator")).isEqualTo(uri.scheme()
                .toLowerCase(Locale.ROOT));
        assertThat(Coordinators.availableSchemes()).as(rule("URI-1", "available schemes")).contains(c.scheme());
        Coordinator upper = clients().track(Coordinators.connect(uri.withScheme(uri.scheme().toUpperCase(Locale.ROOT))
                .toString()));
        assertThat(upper.scheme()).as(rule("URI-1", "the scheme is case-insensitive")).isEqualTo(c.scheme());
    }

    @Test
    public void required_URI_1_unknownSchemeListsTheKnownSchemes() {
        assertThatThrownBy(() -> Coordinators.connect(base().withScheme("nosuchscheme").toString()))
                .as(rule("URI-1", "an unknown scheme")).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).as(rule("URI-1", "the message lists the schemes found"))
                        .contains(Coordinators.availableSchemes()));
    }

    @Test
    public void required_URI_2_pathIsTheNamespaceAndDefaultsToDefault() {
        Coordinator c = clients().track(Coordinators.connect(clients().uri()));
        assertThat(c.namespace()).as(rule("URI-2", "namespace from the path")).isEqualTo(clients().namespace());
        Coordinator d = clients().track(Coordinators.connect(base().withNamespace("").toString()));
        assertThat(d.namespace()).as(rule("URI-2", "namespace of a URI without a path")).isEqualTo("default");
        assertThatThrownBy(() -> Coordinators.connect(base().withNamespace("a//b").toString()))
                .as(rule("URI-2", "a namespace breaking NAM-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void required_URI_2_hostsAsTheProviderRequires() {
        TckUris uri = base();
        boolean needsHosts = provider(uri.scheme()).map(p -> p.requiresEndpoints(uri.scheme().toLowerCase(Locale.ROOT)))
                .orElse(true);
        if (needsHosts) {
            assertThatThrownBy(() -> Coordinators.connect(uri.withHosts("").toString()))
                    .as(rule("URI-2", "a URI without hosts for a scheme that needs them"))
                    .isInstanceOf(IllegalArgumentException.class);
        } else {
            assertThatThrownBy(() -> Coordinators.connect(uri.withHosts("127.0.0.1:1").toString()))
                    .as(rule("URI-2", "a URI with hosts for a scheme that has none"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    public void required_URI_3_coreOptionsAreAccepted() {
        TckUris uri = base().withoutOption("sessionTtl").withoutOption("sessionTimeout")
                .withoutOption("operationTimeout").withoutOption("connectTimeout");
        String ttl = TckUris.duration(ttl());
        for (TckUris variant : new TckUris[] {
            uri.withOption("sessionTtl", ttl).withOption("operationTimeout", "PT5S").withOption("connectTimeout", "10s"),
            uri.withOption("sessionTimeout", ttl).withOption("operationTimeout", "5000ms")
                    .withOption("connectTimeout", "1m")}) {
            Coordinator c = clients().track(Coordinators.connect(variant.toString()));
            assertThat(c.sessionState().isUsable()).as(rule("URI-3", "connected with %s", variant)).isTrue();
        }
    }

    @Test
    public void required_URI_3_badOptionsFailBeforeAnyIo() {
        TckUris dead = unreachable().withOption("connectTimeout", "10s");
        for (String[] bad : new String[][] {{"noSuchOption", "1"}, {"sessionTtl", "fast"}, {"operationTimeout", "5"},
            {"connectTimeout", "-1s"}, {"sessionTtl", "0ms"}}) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Coordinators.connect(dead.withOption(bad[0], bad[1]).toString()))
                    .as(rule("URI-3", "option %s=%s", bad[0], bad[1])).isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).as(rule("URI-3", "the message names the option"))
                            .contains(bad[0]));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as(rule("URI-3", "refused before any I/O (a "
                    + "connection attempt to the dead host would take the 10 s connect timeout)"))
                    .isLessThan(Duration.ofSeconds(5));
        }
        assertThatThrownBy(() -> Coordinators.connect(dead.toStringWithRawQuery("sessionTtl=3s&sessionTtl=4s")))
                .as(rule("URI-3", "a repeated option")).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains("sessionTtl"));
    }

    @Test
    public void required_URI_4_builderOptionsWinOverTheUri() {
        String ns = clients().namespace() + "/from-builder";
        Coordinator c = clients().track(Coordinators.builder(clients().uri()).namespace(ns)
                .sessionTtl(ttl()).connect());
        assertThat(c.namespace()).as(rule("URI-4", "namespace set on the builder")).isEqualTo(ns);
        // The URI asks for a 10 ms connect timeout, too short to connect; the builder's 20 s must win.
        Coordinator d = clients().track(Coordinators.builder(base().withOption("connectTimeout", "10ms").toString())
                .connectTimeout(Duration.ofSeconds(20)).connect());
        assertThat(d.sessionState().isUsable()).as(rule("URI-4", "connectTimeout of the builder used instead of "
                + "the URI's 10ms")).isTrue();
    }

    @Test
    public void required_URI_5_passwordsNeverAppearInMessages() {
        String secret = "s3cr3t-Pa55";
        TckUris dead = unreachable().withUserInfo("alice:" + secret).withOption("connectTimeout", "500ms");
        assertThatThrownBy(() -> Coordinators.connect(dead.toString()))
                .as(rule("URI-6", "connect to a dead host")).isInstanceOf(BackendUnavailableException.class)
                .satisfies(e -> assertThat(messages(e)).as(rule("URI-5", "message of a failed connect")).doesNotContain(secret));
        assertThatThrownBy(() -> Coordinators.connect(dead.withOption("bogus", "1").toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(messages(e)).as(rule("URI-5", "message of a refused URI")).doesNotContain(secret));
        assertThatThrownBy(() -> Coordinators.builder(unreachable().withOption("connectTimeout", "500ms").toString())
                .credentials(new Credentials("bob", secret)).connect())
                .isInstanceOf(BackendUnavailableException.class)
                .satisfies(e -> assertThat(messages(e)).as(rule("URI-5", "message with builder credentials"))
                        .doesNotContain(secret));
        assertThat(new Credentials("bob", secret).toString()).as(rule("URI-5", "Credentials.toString"))
                .doesNotContain(secret);
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    @Test
    public void required_URI_6_unreachableEngineFailsWithBackendUnavailableAndLeavesNothingRunning()
            throws Exception {
        TckUris dead = unreachable();
        int threadsBefore = -1;
        for (int i = 0; i < 6; i++) {
            assertConnectFailsInTime(dead, Duration.ofMillis(500), "where nothing listens");
            if (i == 0) {
                threadsBefore = Thread.activeCount();
            }
        }
        int before = threadsBefore;
        await("URI-6").untilAsserted(() -> assertThat(Thread.activeCount())
                .as(rule("URI-6", "live threads after 5 more failed connects (a leak grows with each)"))
                .isLessThanOrEqualTo(before + 3));
        // A server that accepts connections and never answers, as a frozen engine does.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                java.util.List<java.net.Socket> held = new java.util.ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    held.forEach(socket -> {
                        try {
                            socket.close();
                        } catch (java.io.IOException ignored) {
                            // closing anyway
                        }
                    });
                }
            }, "tck-silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            assertConnectFailsInTime(base().withHosts("127.0.0.1:" + silent.getLocalPort()), Duration.ofSeconds(1),
                    "that accepts connections and never answers");
        }
    }

    private void assertConnectFailsInTime(TckUris uri, Duration connectTimeout, String where) {
        uri = uri.withOption("connectTimeout", connectTimeout.toMillis() + "ms");
        Duration limit = connectTimeout.plusSeconds(1);
        long start = System.nanoTime();
        String target = uri.toString();
        String hosts = uri.hosts();
        assertThatThrownBy(() -> Coordinators.connect(target))
                .as(rule("URI-6", "connect to %s %s", hosts, where))
                .isInstanceOf(BackendUnavailableException.class)
                .satisfies(e -> assertThat(e.getMessage()).as(rule("URI-6", "the one wording, naming the URI"))
                        .startsWith("could not connect to ").contains(hosts)
                        .contains("within the connect timeout of"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as(rule("URI-6", "a connect %s with %s fails within the connect timeout and a second",
                where, uri)).isLessThanOrEqualTo(limit);
    }
}
