package io.coordkit.testing;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a launcher runs its nodes: as local processes on 127.0.0.1 (the default), or each in a container of its own
 * through Testcontainers. The fixture and launcher API is the same for both; the runtime is a setting:
 *
 * <ul>
 *   <li>system property {@value #RUNTIME_PROPERTY} or environment variable {@value #RUNTIME_ENV}: {@code process}
 *   or {@code container};</li>
 *   <li>system property {@value #IMAGE_PROPERTY} or environment variable {@value #IMAGE_ENV}: the image every
 *   container runs (default {@value #DEFAULT_IMAGE}, made locally with {@code docker import} when missing: an empty
 *   root file system that runs the host's own {@code /usr} and {@code /etc}, bind-mounted read-only, so that no
 *   registry is needed).</li>
 * </ul>
 *
 * <p>What each runtime offers:
 * <table>
 *   <caption>faults by runtime</caption>
 *   <tr><th>fault</th><th>process</th><th>container</th></tr>
 *   <tr><td>kill -9, restart, graceful stop</td><td>yes</td><td>yes ({@code docker kill}, {@code docker start})</td></tr>
 *   <tr><td>freeze</td><td>SIGSTOP</td><td>cgroup freezer ({@code docker pause})</td></tr>
 *   <tr><td>{@link Partitions} between nodes, node from clients</td><td>no (every node shares 127.0.0.1)</td>
 *   <td>yes: iptables rules in the container's own network namespace ({@code nsenter}); needs root</td></tr>
 *   <tr><td>one client cut from some nodes</td><td colspan="2">both, with a {@link io.coordkit.testing.fault.TcpProxy}
 *   per node endpoint</td></tr>
 * </table>
 *
 * <p>The container runtime talks to the Docker daemon that Testcontainers finds ({@code DOCKER_HOST}). Where no
 * registry is reachable set {@code TESTCONTAINERS_RYUK_DISABLED=true} and {@code TESTCONTAINERS_CHECKS_DISABLE=true}
 * (both pull images); {@code scripts/test} starts a private daemon and sets them.
 */
public final class NodeRuntime {

    /** System property naming the runtime: {@code process} or {@code container}. */
    public static final String RUNTIME_PROPERTY = "coordkit.testing.runtime";
    /** Environment variable naming the runtime, read when the system property is not set. */
    public static final String RUNTIME_ENV = "COORDKIT_TESTING_RUNTIME";
    /** System property naming the container image. */
    public static final String IMAGE_PROPERTY = "coordkit.testing.image";
    /** Environment variable naming the container image, read when the system property is not set. */
    public static final String IMAGE_ENV = "COORDKIT_TESTING_IMAGE";
    /** The image made locally when it is missing: the host's /usr and /etc run in it. */
    public static final String DEFAULT_IMAGE = "coordkit/host-rootfs:1";

    private static final NodeRuntime PROCESSES = new NodeRuntime(false, null);

    private final boolean container;
    private final String image;

    private NodeRuntime(boolean container, String image) {
        this.container = container;
        this.image = image;
    }

    /** @return local processes on 127.0.0.1 */
    public static NodeRuntime processes() {
        return PROCESSES;
    }

    /** @return containers of the image named by the settings (default {@value #DEFAULT_IMAGE}) */
    public static NodeRuntime containers() {
        return containers(setting(IMAGE_PROPERTY, IMAGE_ENV).orElse(DEFAULT_IMAGE));
    }

    /**
     * @param image the image every node's container runs; it must provide what the engine's command needs (the
     *              host's {@code /usr}, {@code /etc} and {@code ~/.m2} are mounted read-only at the same paths)
     * @return containers of that image
     */
    public static NodeRuntime containers(String image) {
        Objects.requireNonNull(image, "image");
        if (image.isBlank()) {
            throw new IllegalArgumentException(IMAGE_PROPERTY + " is empty: name an image or leave it unset");
        }
        return new NodeRuntime(true, image);
    }

    /**
     * @return the runtime named by {@value #RUNTIME_PROPERTY} / {@value #RUNTIME_ENV}; local processes when unset
     * @throws IllegalArgumentException if the setting names no runtime
     */
    public static NodeRuntime fromSettings() {
        Optional<String> value = setting(RUNTIME_PROPERTY, RUNTIME_ENV);
        if (value.isEmpty()) {
            return processes();
        }
        switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "process":
            case "processes":
                return processes();
            case "container":
            case "containers":
                return containers();
            default:
                throw new IllegalArgumentException(RUNTIME_PROPERTY + " (or " + RUNTIME_ENV + ") must be 'process' or "
                        + "'container', was '" + value.get() + "'");
        }
    }

    /** @return true for containers */
    public boolean isContainer() {
        return container;
    }

    /** @return {@code process} or {@code container} */
    public String name() {
        return container ? "container" : "process";
    }

    /** @return the image, for containers */
    public Optional<String> image() {
        return Optional.ofNullable(image);
    }

    /** @return true if clusters in this runtime offer {@link Partitions} */
    public boolean supportsPartitions() {
        return container;
    }

    /**
     * @param clusterName a name for the cluster's network and logs
     * @return where and how one cluster's nodes run
     */
    Placement place(String clusterName) {
        return container ? new ContainerPlacement(clusterName, image) : new ProcessPlacement();
    }

    static Optional<String> setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    @Override
    public String toString() {
        return container ? "containers of " + image : "local processes";
    }
}
