package io.coordkit.spi;

/**
 * One host of a connection URI.
 *
 * @param host the host name or address (IPv6 without brackets)
 * @param port the port, or -1 when the URI gave none (the backend applies its default)
 */
public record Endpoint(String host, int port) {

    /**
     * @param defaultPort the port to use when none was given
     * @return host:port, with IPv6 hosts in brackets
     */
    public String toHostPort(int defaultPort) {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return h + ":" + (port < 0 ? defaultPort : port);
    }

    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port < 0 ? h : h + ":" + port;
    }
}
