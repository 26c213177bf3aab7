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
        Throwable t = failure(m.made(m.claim(path, stat.getEphemeralOwner() + 1), stat, "registration of 'i-1'"));
        assertThat(t).isInstanceOf(SessionLostException.class)
                .hasMessageContaining("deleting it failed")
                .hasMessageNotContaining("it was deleted again");

        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.RECONNECTED);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(raw.exists(path, false))
                .as("the node is deleted at the reconnect").isNull());
    }

    @Test
    void aNodeOfTheNextSessionIsStillDeletedWhenTheLossOfTheSessionThatAskedIsHandledAfterIt() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = openPatient(states);
        MemberNodes m = members(a);
        long first = a.zooKeeper().getSessionId();
        expire(a);
        awaitStates(states, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED);
        assertThat(a.tracker().isFormerSession(first)).isTrue();
        String path = instance("i-1");
        // a create issued in the first session, held by Curator across its loss and applied in the second one
        a.curator().create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(path, new byte[] {1});
        ZooKeeper raw = rawClient();
        Stat stat = raw.exists(path, false);
        assertThat(stat.getEphemeralOwner()).isEqualTo(a.zooKeeper().getSessionId()).isNotEqualTo(first);

        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.size() == 4);
        assertThat(failure(m.made(m.claim(path, first), stat, "registration of 'i-1'")))
                .isInstanceOf(SessionLostException.class).hasMessageContaining("deleting it failed");
        // the create's answer came before the tracker handled the first session's loss: handled only now, it
        // must not forget the node of the second session
        m.lost();
        assertThat(m.remembers(path)).as("remembered after the first session's loss").isTrue();

        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.LOST, SessionState.CONNECTED,
                SessionState.SUSPENDED, SessionState.RECONNECTED);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(raw.exists(path, false))
                .as("the node is deleted at the reconnect").isNull());
    }

    @Test
    void aNodeRefusedWhileItsClaimIsHeldSurvivesACleanUpRunningBeforeTheClaimIsReleased() throws Exception {
        Recorder states = new Recorder();
        ZkSession a = openPatient(states);
        MemberNodes m = members(a);
        String path = instance("i-1");
        a.curator().create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(path, new byte[] {1});
        ZooKeeper raw = rawClient();
        Stat stat = raw.exists(path, false);
        // the claim of the create that made the node, held until create() handles the failure
        MemberNodes.Claim claim = m.claim(path, stat.getEphemeralOwner() + 1);

        server.stopServer();
        await().atMost(PATIENCE).until(() -> states.states.contains(SessionState.SUSPENDED));
        assertThat(failure(m.made(claim, stat, "registration of 'i-1'")))
                .isInstanceOf(SessionLostException.class).hasMessageContaining("deleting it failed");

        // the reconnect's clean-up runs (and finishes) before create() gets to release the claim
        server.restartServer();
        awaitStates(states, SessionState.SUSPENDED, SessionState.RECONNECTED);
        await().atMost(PATIENCE).until(() -> !m.remembers(path));
        claim.release();
        assertThat(raw.exists(path, false)).as("the node was deleted by the clean-up").isNull();
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
