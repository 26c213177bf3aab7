package io.coordkit.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A node in a container: the same command line a {@link LocalProcess} would run, in a container of its own with the
 * host's {@code /usr}, {@code /etc}, {@code ~/.m2} and class path read-only, its data and log directories writable,
 * all at the same paths as on this machine. Kill is {@code docker kill} (SIGKILL), freeze is {@code docker pause}
 * (the cgroup freezer), a restart starts the same container again (same name, same published port, same data).
 */
final class ContainerProcess implements NodeProcess {

    private final ContainerPlacement placement;
    private final String name;
    private final List<String> command;
    private final List<String> environment;
    private final Path logFile;
    private final int clientPort;
    private final Path dataDir;
    private GenericContainer<?> container;
    private String id;
    private boolean frozen;
    private int starts;

    ContainerProcess(ContainerPlacement placement, String name, LocalProcess.Builder b, int clientPort, Path dataDir) {
        this.placement = placement;
        this.name = name;
        List<String> cmd = new ArrayList<>(b.commandLine());
        // The watchdog halts when standard input ends, and a container has none: the placement removes containers.
        cmd.remove(ChildJvm.class.getName());
        this.command = List.copyOf(cmd);
        List<String> env = new ArrayList<>();
        b.environmentVariables().forEach((k, v) -> env.add(k + "=" + v));
        this.environment = List.copyOf(env);
        this.logFile = b.logFileOrNull() != null ? b.logFileOrNull()
                : TestDirectories.newLogDirectory("container").resolve(name + ".log");
        this.clientPort = clientPort;
        this.dataDir = dataDir;
    }

    @Override
    public boolean canRestartAs(LocalProcess.Builder next) {
        List<String> cmd = new ArrayList<>(next.commandLine());
        cmd.remove(ChildJvm.class.getName());
        return cmd.equals(command) && logFile.equals(next.logFileOrNull());
    }

    @Override
    public synchronized NodeProcess start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (container " + id + ")");
        }
        try {
            Files.createDirectories(logFile.getParent());
            Files.writeString(logFile, "==== coordkit-testing: start #" + (++starts) + " of " + name + " in a container "
                            + "of " + placement.image() + " at " + Instant.now() + "\n==== " + String.join(" ", command)
                            + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + logFile, e);
        }
        frozen = false;
        if (container == null) {
            container = create();
            try {
                container.start();
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot start " + name + " in a container: " + e.getMessage()
                        + "\n" + logTail(15), e);
            }
            id = container.getContainerId();
        } else {
            docker().startContainerCmd(id).exec();
        }
        return this;
    }

    private GenericContainer<?> create() {
        List<String> inside = new ArrayList<>(List.of("sh", "-c", "exec \"$@\" >>\"$0\" 2>&1", logFile.toString()));
        inside.addAll(command);
        @SuppressWarnings("resource")
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(placement.image()));
        c.withNetwork(placement.network())
                .withNetworkAliases(name)
                .withCommand(inside.toArray(new String[0]))
                .withWorkingDirectory(dataDir.toString())
                .withStartupCheckStrategy(new IsRunningStartupCheckStrategy())
                .waitingFor(new AbstractWaitStrategy() {
                    @Override
                    protected void waitUntilReady() {
                        // the cluster waits until its nodes serve
                    }
                })
                .withCreateContainerCmdModifier(cmd -> {
                    ExposedPort port = ExposedPort.tcp(clientPort);
                    Ports bindings = new Ports();
                    bindings.bind(port, Ports.Binding.bindIpAndPort(FreePorts.loopback().getHostAddress(),
                            clientPort));
                    cmd.withHostName(name).withExposedPorts(port);
                    cmd.getHostConfig().withPortBindings(bindings);
                });
        for (String e : environment) {
            int eq = e.indexOf('=');
            c.withEnv(e.substring(0, eq), e.substring(eq + 1));
        }
        for (Path root : ContainerPlacement.readOnlyRoots(command)) {
            c.withFileSystemBind(root.toString(), root.toString(), BindMode.READ_ONLY);
        }
        c.withFileSystemBind(dataDir.toString(), dataDir.toString(), BindMode.READ_WRITE);
        c.withFileSystemBind(logFile.getParent().toString(), logFile.getParent().toString(), BindMode.READ_WRITE);
        return c;
    }

    private DockerClient docker() {
        return placement.docker();
    }

    private Optional<InspectContainerResponse.ContainerState> state() {
        String cid;
        synchronized (this) {
            cid = id;
        }
        if (cid == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(docker().inspectContainerCmd(cid).exec().getState());
        } catch (DockerException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean isAlive() {
        return state().map(s -> Boolean.TRUE.equals(s.getRunning())).orElse(false);
    }

    @Override
    public synchronized boolean isFrozen() {
        return frozen && isAlive();
    }

    @Override
    public Optional<Long> pid() {
        return state().filter(s -> Boolean.TRUE.equals(s.getRunning())).map(s -> s.getPidLong());
    }

    /** @return the node's or process's name */
    String name() {
        return name;
    }

    /** @return the container's address on the cluster's network, while it runs */
    String ip() {
        return placement.ipOf(id);
    }

    @Override
    public synchronized void kill() {
        if (!isAlive()) {
            frozen = false;
            return;
        }
        if (frozen) {
            docker().unpauseContainerCmd(id).exec(); // a frozen cgroup would hold the SIGKILL back
            frozen = false;
        }
        docker().killContainerCmd(id).withSignal("KILL").exec();
        awaitDown(Duration.ofSeconds(30));
    }

    @Override
    public synchronized void freeze() {
        if (!isAlive()) {
            throw new IllegalStateException("cannot freeze " + name + ": not running");
        }
        docker().pauseContainerCmd(id).exec();
        frozen = true;
    }

    @Override
    public synchronized void thaw() {
        if (frozen && isAlive()) {
            docker().unpauseContainerCmd(id).exec();
        }
        frozen = false;
    }

    @Override
    public synchronized void stop(Duration grace) {
        if (!isAlive()) {
            return;
        }
        thaw();
        docker().stopContainerCmd(id).withTimeout((int) Math.max(1, grace.toSeconds())).exec();
        awaitDown(grace.plusSeconds(30));
    }

    private void awaitDown(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " still runs " + timeout + " after it was stopped");
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    @Override
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log " + logFile + " unreadable: " + e + ")";
        }
    }

    @Override
    public synchronized void close() {
        GenericContainer<?> c = container;
        if (c == null) {
            return;
        }
        try {
            if (frozen && isAlive()) {
                docker().unpauseContainerCmd(id).exec();
            }
        } catch (RuntimeException e) {
            // removed below anyway
        }
        frozen = false;
        try {
            c.stop(); // kills and removes the container
        } catch (RuntimeException e) {
            System.err.println("[coordkit-testing] could not remove the container of " + name + ": " + e);
        }
        container = null;
        id = null;
    }

    @Override
    public synchronized String toString() {
        return name + (id == null ? " (no container)" : " (container " + id.substring(0, 12)
                + (isAlive() ? frozen ? ", frozen)" : ", running)" : ", exited)"));
    }
}
