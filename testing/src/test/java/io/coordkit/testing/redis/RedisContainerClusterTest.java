package io.coordkit.testing.redis;

import io.coordkit.testing.EngineNode;
import io.coordkit.testing.NodeRole;
import io.coordkit.testing.NodeRuntime;
import io.coordkit.testing.Partitions;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis launcher in the container runtime, against real servers and Sentinels each in a container of a Docker
 * daemon ({@code DOCKER_HOST}; scripts/test starts a private one): roles, a master killed and restarted (it comes
 * back at the address the Sentinels know, so they demote it), a master isolated from its peers (the Sentinels, on
 * the same network, are cut from it and fail over), and routing a client through proxies. Fails, saying why, when
 * no daemon is reachable.
 */
class RedisContainerClusterTest {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration FAILOVER = Duration.ofSeconds(60);

    @Test
    void sentinelSetupInContainersFailsOverOnKillAndPartitionAndRoutesClients() throws Exception {
        try (RedisCluster redis = RedisCluster.withSentinels(NodeRuntime.containers())) {
            redis.start(START);
            assertThat(redis.runtime().isContainer()).isTrue();
            List<NodeRole> roles = redis.nodes().stream().map(EngineNode::role).collect(Collectors.toList());
            assertThat(roles).containsExactly(NodeRole.LEADER, NodeRole.FOLLOWER, NodeRole.FOLLOWER);
            assertThat(redis.connectString()).startsWith("127.0.0.1:");
            EngineNode first = redis.awaitLeader(Duration.ofSeconds(5));
            // the Sentinels tell clients the master's address on the cluster's network, which this machine reaches
            Object named = Resp.command(redis.sentinels().get(0).address(), 1000, "SENTINEL",
                    "get-master-addr-by-name", RedisCluster.MASTER_NAME);
            assertThat(named).isInstanceOf(List.class);
            List<?> hostPort = (List<?>) named;
            assertThat(hostPort.get(0)).isNotEqualTo("127.0.0.1");
            assertThat(Resp.command(new InetSocketAddress(String.valueOf(hostPort.get(0)),
                    Integer.parseInt(String.valueOf(hostPort.get(1)))), 1000, "PING")).isEqualTo("PONG");

            // routed: the Sentinels' answer names the route of the master, not its address
            List<InetSocketAddress> asked = new ArrayList<>();
            String via = redis.connectStringVia(a -> {
                asked.add(a);
                return new InetSocketAddress("127.0.0.1", 50_000 + asked.size());
            });
            assertThat(asked).hasSize(6); // three servers, three Sentinels' proxies
            String firstSentinelProxy = via.split(",")[0];
            int colon = firstSentinelProxy.lastIndexOf(':');
            Object routed = Resp.command(asked.get(3), 1000, "SENTINEL", "get-master-addr-by-name",
                    RedisCluster.MASTER_NAME);
            assertThat(routed).isEqualTo(List.of("127.0.0.1", Integer.toString(50_000 + first.index())));
            assertThat(firstSentinelProxy.substring(colon + 1)).isEqualTo("50004");

            // kill -9: the Sentinels promote a replica; the old master restarted comes back (same container, same
            // address) as an empty master, and the Sentinels demote it
            first.kill();
            assertThat(first.role()).isEqualTo(NodeRole.DOWN);
            EngineNode second = redis.awaitLeader(FAILOVER);
            assertThat(second.index()).isNotEqualTo(first.index());
            first.start();
            redis.awaitServing(FAILOVER);
            await().atMost(FAILOVER).until(() -> first.role() == NodeRole.FOLLOWER);

            // the master isolated from its peers is cut from the Sentinels too: they fail over
            Partitions partitions = redis.partitions().orElseThrow();
            partitions.isolateFromPeers(second);
            assertThat(partitions.describe()).contains(second.name() + " x sentinel-1");
            await().atMost(FAILOVER).until(() -> redis.sentinelsMaster()
                    .filter(p -> p != second.clientAddress().getPort()).isPresent());
            // it still calls itself master, but the Sentinels name another: not serving
            assertThat(second.role()).isEqualTo(NodeRole.NOT_SERVING);
            partitions.healAll();
            redis.awaitServing(FAILOVER);
            await().atMost(FAILOVER).until(() -> second.role() == NodeRole.FOLLOWER);
            assertThat(redis.leader().map(EngineNode::index)).isNotEqualTo(Optional.of(second.index()));
        }
    }

    @Test
    void aSingleServerInAContainerIsStandalone() {
        try (RedisCluster redis = RedisCluster.single(NodeRuntime.containers())) {
            redis.start(START);
            assertThat(redis.node(1).role()).isEqualTo(NodeRole.STANDALONE);
            assertThat(redis.partitions()).isPresent();
        }
    }
}
