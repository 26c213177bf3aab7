package io.coordkit.zookeeper.embedded;

import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-process server the CLI demo and the {@code embedded:} scheme use. */
class EmbeddedZooKeeperTest {

    @Test
    void servesClientsOnLoopbackAndCleansUp() throws Exception {
        Path dir;
        int port;
        EmbeddedZooKeeper zk = new EmbeddedZooKeeper();
        try {
            assertThatThrownBy(zk::connectString).isInstanceOf(IllegalStateException.class);
            assertThat(zk.start()).isSameAs(zk);
            port = zk.port();
            assertThat(zk.connectString()).isEqualTo("127.0.0.1:" + port);
            assertThat(zk.uri("demo/app")).isEqualTo("zookeeper://127.0.0.1:" + port + "/demo/app");
            assertThat(zk.isRunning()).isTrue();
            assertThatThrownBy(zk::start).isInstanceOf(IllegalStateException.class);
            dir = zk.baseDir();
            assertThat(dir).isDirectory();

            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper client = new ZooKeeper(zk.connectString(), 1000, e -> {
                if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(client.getSessionTimeout()).as("1 s sessions are granted").isEqualTo(1000);
            } finally {
                client.close();
            }
            zk.close();
            zk.close(); // idempotent
            assertThat(zk.isRunning()).isFalse();
            assertThatThrownBy(zk::start).isInstanceOf(IllegalStateException.class);
        } finally {
            zk.close();
        }
        assertThat(Files.exists(dir)).as("data directory deleted").isFalse();
    }

    @Test
    void startRemovesTheDataOfKilledJvmsOnly() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path stale = Files.createTempDirectory("coordkit-zk-");
        Files.writeString(stale.resolve("owner.pid"), Long.toString(dead.pid()));
        Files.createDirectories(stale.resolve("data/version-2"));
        Path alive = Files.createTempDirectory("coordkit-zk-");
        Files.writeString(alive.resolve("owner.pid"), Long.toString(ProcessHandle.current().pid()));
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper().start()) {
            assertThat(Files.exists(stale)).isFalse();
            assertThat(alive).isDirectory();
            assertThat(zk.baseDir().resolve("owner.pid")).hasContent(Long.toString(ProcessHandle.current().pid()));
        } finally {
            Files.deleteIfExists(alive.resolve("owner.pid"));
            Files.deleteIfExists(alive);
        }
    }

    @Test
    void twoServersRunSideBySide() {
        try (EmbeddedZooKeeper a = new EmbeddedZooKeeper().start();
             EmbeddedZooKeeper b = new EmbeddedZooKeeper().start()) {
            assertThat(a.port()).isNotEqualTo(b.port());
            assertThat(a.baseDir()).isNotEqualTo(b.baseDir());
        }
    }

    @Test
    void restartKeepsPortAndData() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper().start()) {
            int port = zk.port();
            CountDownLatch connected = new CountDownLatch(1);
            ZooKeeper client = new ZooKeeper(zk.connectString(), 5000, e -> {
                if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            try {
                assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
                client.create("/kept", new byte[] {42}, org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        org.apache.zookeeper.CreateMode.PERSISTENT);
                zk.stopServer();
                assertThat(zk.isRunning()).isFalse();
                zk.restartServer();
                assertThat(zk.port()).isEqualTo(port);
                // the client reconnects by itself; until then calls fail with connection loss
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                        .ignoreException(org.apache.zookeeper.KeeperException.ConnectionLossException.class)
                        .untilAsserted(() -> assertThat(client.getData("/kept", false, null)).containsExactly(42));
            } finally {
                client.close();
            }
        }
    }
}
