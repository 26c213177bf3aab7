package io.coordkit.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Every node a local process on 127.0.0.1; no partitions (all nodes share the loopback interface). */
final class ProcessPlacement implements Placement {

    @Override
    public String listenHost() {
        return FreePorts.loopback().getHostAddress();
    }

    @Override
    public String peerHost(String nodeName) {
        return FreePorts.loopback().getHostAddress();
    }

    @Override
    public Path newDataDirectory(String prefix) {
        return TestDirectories.newDataDirectory(prefix);
    }

    @Override
    public NodeProcess process(String nodeName, LocalProcess.Builder process, int clientPort, Path dataDir) {
        return process.build();
    }

    @Override
    public String networkAddress(NodeProcess process) {
        return FreePorts.loopback().getHostAddress();
    }

    @Override
    public Optional<Partitions> partitions(List<? extends PlacedNode> nodes) {
        return Optional.empty();
    }

    @Override
    public void close() {
        // nothing held
    }
}
