package io.coordkit.zookeeper;

import io.coordkit.BackendUnavailableException;
import io.coordkit.SessionLostException;
import io.coordkit.session.SessionState;
import io.coordkit.spi.ConnectionSpec;
import io.coordkit.spi.Endpoint;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link MemberNodes} clean-ups that fail for a connection drop, on a real server. The drops that matter fall
 * between two background operations of one chain and cannot be timed from outside, so these tests call the
 * clean-up steps directly while the server is down; Curator holds each operation for the connect timeout and
 * then fails it with a connection loss, long before the session (TTL {@link #LONG_TTL}) is given up.
 */
class MemberNodesTest extends ZkTestSupport {

    private static final Duration LONG_TTL = Duration.ofSeconds(20);
    private static final Duration SHORT_CONNECT = Duration.ofSeconds(1);

    /** A session whose operations fail after 1 s without a connection, and that lives for 20 s. */
    private ZkSession openPatient(Recorder states) {
        ConnectionSpec spec = new ConnectionSpec("zookeeper://" + server.connectString() + "/" + namespace,
                "zookeeper", List.of(new Endpoint("127.0.0.1", server.port())), namespace, LONG_TTL, OP_TIMEOUT,
                SHORT_CONNECT, Optional.empty(), Map.of());
        return open(spec, states);
    }

    /** Member nodes wired to the session's states as the registry and elections wire theirs. */
    private static MemberNodes members(ZkSession s) {
        MemberNodes m = new MemberNodes(s);
        s.tracker().addListener(state -> {
            if (state == SessionState.LOST) {
                m.lost();
            } else if (state == SessionState.RECONNECTED) {
                m.reconnected();
            }
        });
        return m;
    }

    private String instance(String id) {
        return base() + "/registry/svc/instance~" + id;
    }

    @Test
    void aNodeOfTheWrongSessionWhoseDeleteFailsIsDeletedAtTheNextReconnect() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = openPatient(states);
        MemberNodes m = members(a);
        String path = instance("i-1");
        // as a create Curator held across a lost session and applied in this one: a node of the live session
        // that the session which asked for it (another one) never got
        a.curator().create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(path, new byte[] {1});
        ZooKeeper raw = rawClient();
        Stat stat = raw.exists(path, false);
        assertThat(stat.getEphemeralOwner()).isEqualTo(a.zooKeeper().getSessionId());

        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.contains(SessionState.SUSPENDED));
        Throwable t = failure(m.made(path, stat, stat.getEphemeralOwner() + 1, "registration of 'i-1'"));
        assertThat(t).isInstanceOf(SessionLostException.class)
                .hasMessageContaining("deleting it failed")
                .hasMessageNotContaining("it was deleted again");

        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.RECONNECTED);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(raw.exists(path, false))
                .as("the node is deleted at the reconnect").isNull());
    }

    @Test
    void aMemberGivenUpByItsCallerWhoseDeleteFailsIsDeletedAtTheNextReconnect() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = openPatient(states);
        MemberNodes m = members(a);
        String path = instance("i-1");
        MemberNodes.Claim claim = get(m.create(path, new byte[] {1}, false, "registration of 'i-1'",
                owner -> "refused"));
        ZooKeeper raw = rawClient();

        // what the registry and elections do when the caller cancelled while the node was made (SPI-8)
        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.contains(SessionState.SUSPENDED));
        assertThat(failure(m.discard(claim, "deregistration of 'i-1'")))
                .isInstanceOf(BackendUnavailableException.class);

        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.RECONNECTED);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(raw.exists(path, false))
                .as("the node is deleted at the reconnect").isNull());
        // and the id can be used again
        get(m.create(path, new byte[] {2}, false, "registration of 'i-1'", owner -> "refused"));
    }
}
