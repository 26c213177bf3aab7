package io.coordkit.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Kills every process the TCK started that still runs when this JVM exits. */
final class ProcessReaper {

    private static final Set<LocalProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reapAll, "coordkit-tck-process-reaper"));
    }

    private ProcessReaper() {
    }

    static void register(LocalProcess p) {
        LIVE.add(p);
    }

    static void unregister(LocalProcess p) {
        LIVE.remove(p);
    }

    /** @return the processes started and not yet closed */
    static List<LocalProcess> live() {
        return new ArrayList<>(LIVE);
    }

    static void reapAll() {
        for (LocalProcess p : live()) {
            p.destroyNow();
        }
    }
}
