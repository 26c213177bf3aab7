package io.coordkit.cli.demo;

import io.coordkit.Coordinator;
import io.coordkit.registry.SelectionStrategy;
import io.coordkit.registry.ServiceInstance;

import java.util.ArrayList;
import java.util.List;

/**
 * Naming: three instances of a service register, each from its own JVM; a client picks live instances
 * round-robin; one instance's JVM is killed (SIGKILL) and the watchers see it leave once its session expires,
 * without anyone deregistering it (SPEC.md REG-2, REG-5, REG-6).
 */
final class NamingScenario implements Scenario {

    private static final int INSTANCES = 3;
    private static final List<String> WATCHERS = List.of("watcher-1", "watcher-2");

    @Override
    public String name() {
        return "naming";
    }

    @Override
    public String title() {
        return "service registry: register, choose round-robin, a crashed instance leaves by itself";
    }

    @Override
    public void play(Stage s) throws Exception {
        String service = s.name("orders");
        for (String w : WATCHERS) {
            Coordinator c = s.coordinator();
            c.registry().watch(service, (svc, instances) -> s.events().add(w, "MEMBERS", ids(instances)));
        }
        s.step("%s watch service %s, each with its own session", String.join(" and ", WATCHERS), service);

        List<String> ids = new ArrayList<>();
        List<DemoActor> instances = new ArrayList<>();
        long spawned = System.nanoTime();
        for (int i = 1; i <= INSTANCES; i++) {
            String id = "instance-" + i;
            ids.add(id);
            instances.add(s.spawn(id, NamingInstance.class, service, id, "127.0.0.1:" + (9000 + i)));
        }
        s.step("started %d instances, each in its own JVM with a %s session TTL", INSTANCES,
                Stage.seconds(s.ttl()));
        for (DemoActor p : instances) {
            EventLog.Event e = s.await(ev -> ev.is(p.name(), "REGISTERED"), Stage.START_LIMIT,
                    p.name() + " registering");
            s.step("%s registered at 127.0.0.1:%s (pid %d, %s after its JVM was started)", p.name(),
                    9000 + instances.indexOf(p) + 1, p.pid(), Stage.between(spawned, e.nanos()));
        }
        for (String w : WATCHERS) {
            s.await(ev -> ev.actor().equals(w) && ev.type().equals("MEMBERS") && ev.fields().equals(ids),
                    Stage.PROPAGATION_LIMIT, w + " seeing all " + INSTANCES + " instances");
            s.step("%s sees %s", w, ids);
        }

        Coordinator client = s.coordinator();
        SelectionStrategy roundRobin = SelectionStrategy.roundRobin();
        List<String> picks = pick(client, service, roundRobin, 2 * INSTANCES);
        s.step("client picks (round-robin): %s", String.join(" ", picks));
        s.check(picks.subList(0, INSTANCES).stream().sorted().toList().equals(ids)
                        && picks.subList(INSTANCES, 2 * INSTANCES).equals(picks.subList(0, INSTANCES)),
                "round-robin visits every live instance once per cycle");

        DemoActor victim = instances.get(1);
        List<String> survivors = new ArrayList<>(ids);
        survivors.remove(victim.name());
        long killed = System.nanoTime();
        victim.kill();
        s.step("kill -9 %s (pid %d): it gets no chance to deregister", victim.name(), victim.pid());
        long slowest = 0;
        for (String w : WATCHERS) {
            EventLog.Event e = s.await(ev -> ev.actor().equals(w) && ev.type().equals("MEMBERS")
                            && ev.nanos() > killed && ev.fields().equals(survivors),
                    s.expiryLimit(), w + " seeing " + victim.name() + " leave");
            slowest = Math.max(slowest, e.nanos());
            s.step("%s sees %s leave %s after the kill (session TTL %s): %s", w, victim.name(),
                    Stage.between(killed, e.nanos()), Stage.seconds(s.ttl()), survivors);
        }
        s.check(true, "every watcher saw the crashed instance leave without anyone deregistering it");

        List<String> after = pick(client, service, roundRobin, 2 * survivors.size());
        s.step("client picks (round-robin): %s", String.join(" ", after));
        s.check(after.stream().distinct().sorted().toList().equals(survivors),
                "the client picks only the live instances, and each of them");
        s.check(ids(client.registry().instances(service)).equals(survivors),
                "instances(" + service + ") lists exactly the live instances");
        s.summary(victim.name() + " gone from every watcher " + Stage.between(killed, slowest)
                + " after kill -9 (TTL " + Stage.seconds(s.ttl()) + ")");
    }

    private static List<String> pick(Coordinator client, String service, SelectionStrategy strategy, int n) {
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            picks.add(client.registry().choose(service, strategy).map(ServiceInstance::id).orElse("(none)"));
        }
        return picks;
    }

    private static List<String> ids(List<ServiceInstance> instances) {
        return instances.stream().map(ServiceInstance::id).sorted().toList();
    }
}
