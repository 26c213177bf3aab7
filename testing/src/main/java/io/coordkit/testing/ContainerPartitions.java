package io.coordkit.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Partitions between containers: DROP rules in the INPUT and OUTPUT chains of a node's own network namespace
 * (entered with {@code nsenter}), matching the peer's address on the cluster's network, or the gateway's for every
 * client on this machine (published ports reach a container from there). A node cut from its peers is also cut from
 * the cluster's auxiliary processes on the same network (Redis Sentinels, say), as a real network split would.
 */
final class ContainerPartitions implements Partitions {

    private final ContainerPlacement placement;
    private final List<? extends Placement.PlacedNode> nodes;
    private final List<String> cuts = new ArrayList<>();

    ContainerPartitions(ContainerPlacement placement, List<? extends Placement.PlacedNode> nodes) {
        this.placement = placement;
        this.nodes = List.copyOf(nodes);
    }

    private ContainerProcess container(EngineNode node) {
        for (Placement.PlacedNode n : nodes) {
            if (n == node || n.name().equals(node.name())) {
                NodeProcess p = n.currentProcess();
                if (!(p instanceof ContainerProcess) || !p.isAlive()) {
                    throw new IllegalStateException("cannot cut " + node.name() + ": it does not run");
                }
                return (ContainerProcess) p;
            }
        }
        throw new IllegalArgumentException(node.name() + " is not a node of this cluster");
    }

    private static void drop(ContainerProcess in, String address) {
        long pid = in.pid().orElseThrow(() -> new IllegalStateException(in + " does not run"));
        ContainerPlacement.iptables(pid, "-I", "INPUT", "-s", address, "-j", "DROP");
        ContainerPlacement.iptables(pid, "-I", "OUTPUT", "-d", address, "-j", "DROP");
    }

    @Override
    public synchronized void cut(EngineNode a, EngineNode b) {
        if (Objects.equals(a.name(), b.name())) {
            throw new IllegalArgumentException("cannot cut " + a.name() + " from itself");
        }
        ContainerProcess ca = container(a);
        ContainerProcess cb = container(b);
        drop(ca, cb.ip());
        drop(cb, ca.ip());
        cuts.add(a.name() + " x " + b.name());
    }

    @Override
    public synchronized void isolateFromPeers(EngineNode node) {
        for (Placement.PlacedNode other : nodes) {
            if (!other.name().equals(node.name()) && other.isRunning()) {
                cut(node, other);
            }
        }
        ContainerProcess isolated = container(node);
        for (ContainerProcess aux : auxiliaries()) {
            drop(isolated, aux.ip());
            drop(aux, isolated.ip());
            cuts.add(node.name() + " x " + aux.name());
        }
    }

    /** @return the running containers of the cluster that are not nodes' (the Sentinels of a Redis cluster, say) */
    private List<ContainerProcess> auxiliaries() {
        List<ContainerProcess> aux = new ArrayList<>(placement.running());
        for (Placement.PlacedNode n : nodes) {
            aux.remove(n.currentProcess());
        }
        return aux;
    }

    @Override
    public synchronized void cutFromClients(EngineNode node) {
        drop(container(node), placement.gateway());
        cuts.add(node.name() + " x clients");
    }

    @Override
    public synchronized void healAll() {
        for (ContainerProcess p : placement.running()) { // nodes and auxiliary processes
            long pid = p.pid().orElse(-1L);
            if (pid > 0) {
                ContainerPlacement.iptables(pid, "-F", "INPUT");
                ContainerPlacement.iptables(pid, "-F", "OUTPUT");
            }
        }
        cuts.clear();
    }

    @Override
    public synchronized String describe() {
        return cuts.isEmpty() ? "no cuts" : String.join(", ", cuts);
    }
}
