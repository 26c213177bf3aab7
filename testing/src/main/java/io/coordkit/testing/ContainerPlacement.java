package io.coordkit.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every node in a container of its own on one Docker network of the cluster; other nodes reach a node by its name
 * (a network alias), clients on this machine by its client port, published on 127.0.0.1 at the same number.
 * Partitions are iptables rules in a node's own network namespace, entered with {@code nsenter}: the host's
 * firewall is never touched.
 */
final class ContainerPlacement implements Placement {

    private static final Set<ContainerPlacement> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ContainerPlacement::close),
                "coordkit-testing-container-reaper"));
    }

    private final String clusterName;
    private final String image;
    private final DockerClient docker;
    private final Network network;
    private final List<ContainerProcess> processes = new ArrayList<>();

    ContainerPlacement(String clusterName, String image) {
        this.clusterName = clusterName;
        this.image = image;
        this.docker = Docker.client();
        HostImage.ensure(docker, image);
        this.network = Network.newNetwork();
        network.getId(); // created now, so that a failure shows here
        LIVE.add(this);
    }

    DockerClient docker() {
        return docker;
    }

    String image() {
        return image;
    }

    Network network() {
        return network;
    }

    String networkName() {
        return docker.inspectNetworkCmd().withNetworkId(network.getId()).exec().getName();
    }

    @Override
    public String listenHost() {
        return "0.0.0.0";
    }

    @Override
    public String peerHost(String nodeName) {
        return nodeName;
    }

    @Override
    public Path newDataDirectory(String prefix) {
        return TestDirectories.newDataDirectory(prefix, false);
    }

    @Override
    public synchronized NodeProcess process(String nodeName, LocalProcess.Builder process, int clientPort,
                                            Path dataDir) {
        ContainerProcess p = new ContainerProcess(this, nodeName, process, clientPort, dataDir);
        processes.add(p);
        return p;
    }

    @Override
    public String networkAddress(NodeProcess process) {
        if (!(process instanceof ContainerProcess c) || !c.isAlive()) {
            throw new IllegalStateException(process + " is not a running container of " + clusterName);
        }
        return c.ip();
    }

    /** @return every container process made here that runs now: nodes' and auxiliary processes' */
    synchronized List<ContainerProcess> running() {
        return processes.stream().filter(ContainerProcess::isAlive).toList();
    }

    @Override
    public Optional<Partitions> partitions(List<? extends PlacedNode> nodes) {
        return Optional.of(new ContainerPartitions(this, nodes));
    }

    @Override
    public void close() {
        if (!LIVE.remove(this)) {
            return;
        }
        List<ContainerProcess> all;
        synchronized (this) {
            all = new ArrayList<>(processes);
        }
        all.forEach(ContainerProcess::close);
        try {
            network.close();
        } catch (RuntimeException e) {
            System.err.println("[coordkit-testing] could not remove the network of " + clusterName + ": " + e);
        }
    }

    /** @return the IP address of a running container on this cluster's network */
    String ipOf(String containerId) {
        InspectContainerResponse info = docker.inspectContainerCmd(containerId).exec();
        for (ContainerNetwork n : info.getNetworkSettings().getNetworks().values()) {
            if (network.getId().equals(n.getNetworkID())) {
                return n.getIpAddress();
            }
        }
        throw new IllegalStateException("container " + containerId + " is not on the network of " + clusterName);
    }

    /** @return the address of this machine on the cluster's network: where clients' packets come from */
    String gateway() {
        return docker.inspectNetworkCmd().withNetworkId(network.getId()).exec().getIpam().getConfig().get(0)
                .getGateway();
    }

    /**
     * Runs iptables in the network namespace of a process (a container's first process).
     *
     * @param pid  the process on this machine
     * @param args iptables' arguments
     */
    static void iptables(long pid, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid), "-n", "iptables", "-w"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: "
                        + out.toString(StandardCharsets.UTF_8).trim() + " (partitions need root, nsenter and "
                        + "iptables on this machine)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    /** Read-only mounts every node gets: the host's programs and settings, and the Java class path's roots. */
    static Set<Path> readOnlyRoots(List<String> command) {
        Set<Path> roots = new LinkedHashSet<>();
        roots.add(Path.of("/usr"));
        roots.add(Path.of("/etc"));
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        if (m2.toFile().isDirectory()) {
            roots.add(m2);
        }
        Path javaHome = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        addUnlessCovered(roots, javaHome);
        for (int i = 0; i + 1 < command.size(); i++) {
            if (command.get(i).equals("-cp") || command.get(i).equals("-classpath")) {
                for (String entry : command.get(i + 1).split(java.io.File.pathSeparator)) {
                    if (!entry.isEmpty()) {
                        Path p = Path.of(entry).toAbsolutePath().normalize();
                        if (p.toFile().exists()) {
                            addUnlessCovered(roots, p);
                        }
                    }
                }
            }
        }
        return roots;
    }

    private static void addUnlessCovered(Set<Path> roots, Path p) {
        for (Path r : roots) {
            if (p.startsWith(r)) {
                return;
            }
        }
        roots.add(p);
    }
}
