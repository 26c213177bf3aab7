package io.coordkit.zookeeper;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.CuratorListener;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the session is connected to a standalone ZooKeeper server, where a read is linearizable without a
 * {@code sync} first.
 *
 * <p>A {@code sync} makes a follower catch up with the leader before the session's next read. A standalone server
 * has no leader to catch up with: it applies every write before answering it, so a read it serves later sees the
 * write. Only reads then skip the sync ({@link ZkConfig}); nothing else changes.
 *
 * <p>Known per connection: the connect string must name one server (a session can then never move to another
 * one), and on every {@code SyncConnected} the server's {@code /zookeeper/config} is read. A standalone server
 * (ZooKeeper 3.5 and later) leaves it empty; a member of an ensemble, even of one server, holds the ensemble's
 * configuration there. Any connection event (a disconnect first of all) ends what was known before it, and the
 * answer counts only if no connection event came between the check and its answer. The events arrive on ZooKeeper's
 * event thread in the order the client saw them, and a client reconnects no sooner than its disconnect event was
 * queued, so a read sent on a new connection to a server that is no longer standalone (restarted into an ensemble
 * under the same address, keeping the session) is synced unless the event thread lags behind the reconnect itself.
 * An older server without {@code /zookeeper/config}, a failed check or an unknown answer keep the sync.
 */
final class StandaloneServer implements CuratorListener {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneServer.class);

    private final boolean oneServer;
    private final CuratorFramework curator;
    /** Counts the connection events seen; a check is valid for the count it was made at. */
    private final AtomicLong connection = new AtomicLong();
    private volatile long standaloneAt = -1;
    /** Checks answered so far (for tests: a check that said "not standalone" leaves no other trace). */
    private final AtomicLong answered = new AtomicLong();

    /**
     * @param connectString the session's connect string
     * @param curator       its client, whose events this listens to (added by the caller)
     */
    StandaloneServer(String connectString, CuratorFramework curator) {
        this.oneServer = servers(connectString) == 1;
        this.curator = curator;
    }

    /** @return whether reads on the current connection need no sync */
    boolean holds() {
        return oneServer && standaloneAt == connection.get();
    }

    /** @return how many checks have been answered (whatever they said) */
    long checksAnswered() {
        return answered.get();
    }

    @Override
    public void eventReceived(CuratorFramework client, CuratorEvent event) {
        if (event.getType() != CuratorEventType.WATCHED) {
            return;
        }
        WatchedEvent e = event.getWatchedEvent();
        if (e == null || e.getType() != EventType.None) {
            return;
        }
        long at = connection.incrementAndGet();
        if (oneServer && e.getState() == KeeperState.SyncConnected) {
            check(at);
        }
    }

    private void check(long at) {
        try {
            ZooKeeper zk = curator.getZookeeperClient().getZooKeeper();
            zk.getConfig(false, (rc, path, ctx, data, stat) -> {
                boolean standalone = rc == Code.OK.intValue() && data != null && data.length == 0;
                if (standalone && connection.get() == at) {
                    standaloneAt = at;
                }
                answered.incrementAndGet();
                LOG.debug("{}: {} (rc {})", curator.getZookeeperClient().getCurrentConnectionString(),
                        standalone ? "standalone server, reads need no sync" : "reads are synced", rc);
            }, null);
        } catch (Exception ex) {
            LOG.debug("could not check whether the server is standalone: {}", ex.toString());
        }
    }

    /**
     * @param connectString a ZooKeeper connect string, maybe with a chroot
     * @return the number of servers it names
     */
    static int servers(String connectString) {
        int slash = connectString.indexOf('/');
        String hosts = slash < 0 ? connectString : connectString.substring(0, slash);
        int n = 0;
        for (String h : hosts.split(",")) {
            if (!h.isBlank()) {
                n++;
            }
        }
        return n;
    }
}
