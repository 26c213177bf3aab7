package io.coordkit.testing;

import com.github.dockerjava.api.DockerClient;
import org.testcontainers.DockerClientFactory;

/** The Docker client of the container runtime, with a clear error when there is no daemon. */
final class Docker {

    private Docker() {
    }

    static DockerClient client() {
        DockerClientFactory factory = DockerClientFactory.instance();
        if (!factory.isDockerAvailable()) {
            throw new IllegalStateException("the container runtime needs a Docker daemon and none is reachable: set "
                    + "DOCKER_HOST (scripts/test starts a private one), or run the launchers as local processes ("
                    + NodeRuntime.RUNTIME_PROPERTY + "=process). Where no image registry is reachable also set "
                    + "TESTCONTAINERS_RYUK_DISABLED=true and TESTCONTAINERS_CHECKS_DISABLE=true.");
        }
        return factory.client();
    }
}
