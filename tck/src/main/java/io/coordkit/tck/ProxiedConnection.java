package io.coordkit.tck;

import io.coordkit.Coordinator;
import io.coordkit.testing.fault.TcpProxy;

import java.util.List;

/**
 * A coordinator whose every connection to the engine goes through {@link TcpProxy proxies}, so that a test can cut,
 * blackhole and restore its contact with the engine while other coordinators keep theirs.
 *
 * @param coordinator the coordinator
 * @param proxies     one proxy per engine endpoint
 */
public record ProxiedConnection(Coordinator coordinator, List<TcpProxy> proxies) {

    /** Copies the list. */
    public ProxiedConnection {
        proxies = List.copyOf(proxies);
    }

    /** Closes the client's connections and refuses new ones: the client notices at once. */
    public void cut() {
        proxies.forEach(TcpProxy::cut);
    }

    /** Forwards nothing but keeps the connections open: the client notices by its own time-outs. */
    public void blackhole() {
        proxies.forEach(TcpProxy::blackhole);
    }

    /**
     * Holds back every byte between the client and the engine for the delay, each way (a slow network).
     *
     * @param delay how long
     */
    public void delay(java.time.Duration delay) {
        proxies.forEach(p -> p.delay(delay));
    }

    /** Lets traffic through again, without delay. */
    public void restore() {
        proxies.forEach(TcpProxy::restore);
    }
}
