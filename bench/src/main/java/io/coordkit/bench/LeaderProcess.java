package io.coordkit.bench;

import io.coordkit.Coordinator;
import io.coordkit.Coordinators;
import io.coordkit.election.LeadershipListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.stub.StreamObserver;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.RetryNTimes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The leader of a takeover row, in its own JVM so that it can be killed like a crashed server: joins the election
 * on one side, prints {@value #LEADING} on standard output once elected, and stays until it is killed. It also ends
 * when its standard input closes, so that it never outlives the bench.
 *
 * <pre>
 * java -cp coordkit-bench.jar io.coordkit.bench.LeaderProcess coordkit|curator|jetcd TARGET ELECTION TTL_MS
 * </pre>
 * TARGET is a coordkit URI (coordkit), a ZooKeeper connect string (curator) or an etcd endpoint (jetcd).
 */
public final class LeaderProcess {

    /** The line printed once elected. */
    static final String LEADING = "LEADING";

    /** For a lease kept alive by jetcd whose answers nobody reads (a takeover's leader or standby). */
    static final StreamObserver<LeaseKeepAliveResponse> KEEP_ALIVE_IGNORED = new StreamObserver<>() {
        @Override
        public void onNext(LeaseKeepAliveResponse value) {
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }
    };

    private LeaderProcess() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: LeaderProcess coordkit|curator|jetcd TARGET ELECTION TTL_MS");
            System.exit(2);
        }
        String side = args[0];
        String target = args[1];
        String election = args[2];
        Duration ttl = Duration.ofMillis(Long.parseLong(args[3]));
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // only the end matters
                }
            } catch (IOException e) {
                // the bench is gone
            }
            Runtime.getRuntime().halt(0);
        }, "stdin-watch");
        stdin.setDaemon(true);
        stdin.start();
        String id = "leader-" + ProcessHandle.current().pid();
        switch (side) {
            case "coordkit" -> {
                Coordinator c = Coordinators.builder(target).sessionTtl(ttl).connect();
                c.elections().election(election).join(id, Map.of(), LeadershipListener.of(l -> leading(), r -> { }));
            }
            case "curator" -> {
                CuratorFramework cf = CuratorFrameworkFactory.builder().connectString(target)
                        .sessionTimeoutMs((int) ttl.toMillis()).connectionTimeoutMs(10_000)
                        .retryPolicy(new RetryNTimes(3, 100)).build();
                cf.start();
                LeaderLatch latch = new LeaderLatch(cf, "/native/elections/" + election, id);
                latch.addListener(new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        leading();
                    }

                    @Override
                    public void notLeader() {
                    }
                });
                latch.start();
            }
            case "jetcd" -> {
                Client client = Client.builder().endpoints(target).build();
                long lease = client.getLeaseClient().grant(ttl.toSeconds()).get(30, TimeUnit.SECONDS).getID();
                client.getLeaseClient().keepAlive(lease, KEEP_ALIVE_IGNORED);
                client.getElectionClient().campaign(bytes("native/elections/" + election), lease, bytes(id))
                        .get(60, TimeUnit.SECONDS);
                leading();
            }
            default -> {
                System.err.println("LeaderProcess: unknown side '" + side + "' (coordkit, curator, jetcd)");
                System.exit(2);
            }
        }
        Thread.currentThread().join(); // until killed
    }

    private static void leading() {
        System.out.println(LEADING);
        System.out.flush();
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
