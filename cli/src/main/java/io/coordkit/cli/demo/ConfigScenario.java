package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.Versioned;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration: a value changes by compare-and-set and every watcher (three coordinators, each its own
 * session) reports the new value and version; a compare-and-set with a stale version is refused (SPEC.md
 * CFG-2, CFG-3, CFG-6).
 */
final class ConfigScenario implements Scenario {

    private static final List<String> WATCHERS = List.of("watcher-1", "watcher-2", "watcher-3");

    @Override
    public String name() {
        return "config";
    }

    @Override
    public String title() {
        return "configuration: every watcher sees the new value and version; a stale compare-and-set is refused";
    }

    @Override
    public void play(Stage s) throws Exception {
        String prefix = s.name("config");
        String key = prefix + "/checkout.enabled";
        Coordinator admin = s.coordinator();
        Coordinator operator = s.coordinator();
        long v1 = admin.config().put(key, "false");
        s.step("admin: put %s = false (version %d)", key, v1);

        for (String w : WATCHERS) {
            s.coordinator().config().watch(prefix, event -> record(s, w, event));
        }
        for (String w : WATCHERS) {
            s.await(ev -> ev.actor().equals(w) && ev.type().equals("RESYNC") && ev.fields().contains(key + "@" + v1),
                    Stage.PROPAGATION_LIMIT, w + " starting with version " + v1);
        }
        s.step("%s (own sessions) watch %s and start from false @ version %d", String.join(", ", WATCHERS),
                prefix, v1);

        Optional<Versioned<String>> seen = operator.config().getString(key);
        s.step("operator reads %s", seen.map(v -> v.value() + " @ version " + v.version()).orElse("nothing"));

        long changed = System.nanoTime();
        long v2 = admin.config().compareAndSet(key, v1, "true".getBytes(StandardCharsets.UTF_8));
        s.step("admin: compare-and-set %s from version %d to true: now version %d", key, v1, v2);
        long slowest = changed;
        for (String w : WATCHERS) {
            EventLog.Event e = s.await(ev -> ev.actor().equals(w) && ev.type().equals("PUT")
                            && ev.field(0).equals(key) && ev.number(1) == v2 && ev.field(2).equals("true"),
                    Stage.PROPAGATION_LIMIT, w + " seeing version " + v2);
            slowest = Math.max(slowest, e.nanos());
            s.step("%s sees %s = true @ version %d, %s after the write", w, key, v2, Stage.between(changed,
                    e.nanos()));
        }
        s.check(v2 > v1, "the version grew: " + v1 + " -> " + v2);
        s.check(true, "every watcher reported the new value and version");

        long stale = seen.map(Versioned::version).orElse(Versioned.ABSENT);
        try {
            operator.config().compareAndSet(key, stale, "maybe".getBytes(StandardCharsets.UTF_8));
            s.fail("operator's compare-and-set with stale version " + stale + " was accepted");
        } catch (VersionConflictException refused) {
            s.step("operator: compare-and-set from stale version %d refused: %s", stale, refused.getMessage());
            s.check(true, "a compare-and-set with a stale version is refused");
        }
        Optional<Versioned<String>> now = admin.config().getString(key);
        s.check(now.isPresent() && now.get().value().equals("true") && now.get().version() == v2,
                "the value is still true @ version " + v2 + " (" + now.map(Versioned::toString).orElse("none")
                        + ")");
        for (String w : WATCHERS) {
            List<Long> versions = s.events().all(ev -> ev.actor().equals(w) && ev.type().equals("PUT"))
                    .stream().map(ev -> ev.number(1)).toList();
            s.check(versions.equals(versions.stream().sorted().distinct().toList()),
                    w + " never saw a version go backwards or repeat " + versions);
        }
        admin.config().delete(key);
        s.summary(WATCHERS.size() + " watchers saw version " + v2 + " within " + Stage.between(changed, slowest)
                + "; stale compare-and-set refused");
    }

    private static void record(Stage s, String watcher, ConfigEvent event) {
        switch (event.type()) {
            case RESYNC -> s.events().add(watcher, "RESYNC", event.snapshot().entrySet().stream()
                    .map((Map.Entry<String, Versioned<byte[]>> e) -> e.getKey() + "@" + e.getValue().version())
                    .toList());
            case PUT -> s.events().add(watcher, "PUT", List.of(event.key(), Long.toString(event.version()),
                    event.valueAsString().orElse("")));
            case DELETE -> s.events().add(watcher, "DELETE", List.of(event.key(),
                    Long.toString(event.version())));
            default -> throw new IllegalStateException("unknown event type " + event.type());
        }
    }
}
