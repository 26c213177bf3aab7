package io.coordkit.zookeeper;

import io.coordkit.spi.Endpoint;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A three-node ZooKeeper ensemble of child JVMs ({@code QuorumPeerMain}) on 127.0.0.1, for failover tests.
 * Every process it starts is stopped by {@link #close()}, and its data directories deleted.
 */
final class Ensemble implements AutoCloseable {

    static final int TICK_MS = 250;

    private final Path dir;
    private final int[] clientPorts = new int[3];
    private final Process[] nodes = new Process[3];

    Ensemble() throws IOException {
        dir = Files.createTempDirectory("coordkit-zk-ensemble-");
        int[] quorumPorts = new int[3];
        int[] electionPorts = new int[3];
        for (int i = 0; i < 3; i++) {
            clientPorts[i] = freePort();
            quorumPorts[i] = freePort();
            electionPorts[i] = freePort();
        }
        for (int i = 0; i < 3; i++) {
            Path data = dir.resolve("n" + (i + 1));
            Files.createDirectories(data);
            Files.writeString(data.resolve("myid"), Integer.toString(i + 1));
            StringBuilder cfg = new StringBuilder()
                    .append("tickTime=").append(TICK_MS).append('\n')
                    // followers notice a dead or frozen leader after syncLimit ticks (1 s)
                    .append("initLimit=20\nsyncLimit=4\n")
                    .append("dataDir=").append(data.toAbsolutePath()).append('\n')
                    .append("clientPort=").append(clientPorts[i]).append('\n')
                    .append("clientPortAddress=127.0.0.1\n")
                    .append("minSessionTimeout=1000\nmaxSessionTimeout=600000\n")
                    .append("forceSync=no\nadmin.enableServer=false\n")
                    .append("4lw.commands.whitelist=srvr,ruok,mntr,stat\n");
            for (int j = 0; j < 3; j++) {
                cfg.append("server.").append(j + 1).append("=127.0.0.1:").append(quorumPorts[j]).append(':')
                        .append(electionPorts[j]).append('\n');
            }
            Files.writeString(dir.resolve("zoo" + (i + 1) + ".cfg"), cfg.toString());
        }
    }

    /** Starts every node that is not running. */
    void start() throws IOException {
        for (int i = 0; i < 3; i++) {
            if (nodes[i] == null || !nodes[i].isAlive()) {
                start(i);
            }
        }
    }

    /** @param i the node (0-2) to start */
    void start(int i) throws IOException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                dir.resolve("zoo" + (i + 1) + ".cfg").toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("n" + (i + 1) + ".log").toFile());
        nodes[i] = pb.start();
    }

    /** @param i the node (0-2) to kill with SIGKILL */
    void kill(int i) throws InterruptedException {
        nodes[i].destroyForcibly();
        nodes[i].waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Freezes or resumes a node with SIGSTOP / SIGCONT.
     *
     * @param i      the node (0-2)
     * @param frozen true to freeze, false to resume
     */
    void freeze(int i, boolean frozen) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(nodes[i].pid()))
                .inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + (frozen ? "-STOP" : "-CONT") + " failed for node " + (i + 1));
        }
    }

    /** @return the client endpoints */
    List<Endpoint> endpoints() {
        List<Endpoint> list = new ArrayList<>();
        for (int p : clientPorts) {
            list.add(new Endpoint("127.0.0.1", p));
        }
        return list;
    }

    /** @return the client port of node i */
    int clientPort(int i) {
        return clientPorts[i];
    }

    /**
     * @param i a node
     * @return its mode as {@code srvr} reports it ("leader", "follower"...), or null if it does not serve
     */
    String mode(int i) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", clientPorts[i]), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return answer.lines().filter(l -> l.startsWith("Mode: ")).map(l -> l.substring(6).trim())
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** @return the index of the node that is leader now, or -1 */
    int leader() {
        for (int i = 0; i < 3; i++) {
            if ("leader".equals(mode(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws Exception {
        for (Process p : nodes) {
            if (p != null) {
                // a frozen process dies from SIGKILL too
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
