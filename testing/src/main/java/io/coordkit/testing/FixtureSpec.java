package io.coordkit.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * What a test suite needs to know to run coordkit against engines a launcher starts: how to make the cluster, the
 * URI of the backend for a host list and a namespace, and the timings to test with. The TCK turns a spec into its
 * fixture ({@code ClusterFixture.of(spec)}); specs are found with {@link java.util.ServiceLoader} through
 * {@link FixtureSpecProvider}, so that {@code java -jar coordkit-tck.jar --fixture NAME} knows every launcher on the
 * class path. Nothing here depends on the TCK.
 */
public final class FixtureSpec {

    private final String name;
    private final Supplier<? extends EngineCluster> cluster;
    private final BiFunction<String, String, String> uri;
    private final Duration sessionTtl;
    private final Duration expiryBound;
    private final Duration operationTimeout;
    private final Duration startTimeout;
    private final boolean proxyable;

    private FixtureSpec(Builder b) {
        this.name = b.name;
        this.cluster = b.cluster;
        this.uri = Objects.requireNonNull(b.uri, "uri template not set for " + b.name);
        this.sessionTtl = b.sessionTtl;
        this.expiryBound = b.expiryBound;
        this.operationTimeout = b.operationTimeout;
        this.startTimeout = b.startTimeout;
        this.proxyable = b.proxyable;
    }

    /**
     * @param name    the fixture's name, for example {@code zookeeper-ensemble}
     * @param cluster makes a new, unstarted cluster each time it is called
     * @return a builder
     */
    public static Builder builder(String name, Supplier<? extends EngineCluster> cluster) {
        return new Builder(name, cluster);
    }

    /** @return the fixture's name */
    public String name() {
        return name;
    }

    /** @return a new, unstarted cluster */
    public EngineCluster newCluster() {
        return cluster.get();
    }

    /** @return the cluster factory */
    public Supplier<? extends EngineCluster> clusterFactory() {
        return cluster;
    }

    /** @return makes a URI from a host list ({@code host:port,...}) and a namespace */
    public BiFunction<String, String, String> uriTemplate() {
        return uri;
    }

    /** @return the session TTL to ask for */
    public Duration sessionTtl() {
        return sessionTtl;
    }

    /** @return B of SPEC.md: how much later than the TTL the engine may free a dead client's state */
    public Duration expiryBound() {
        return expiryBound;
    }

    /** @return the operation timeout to ask for */
    public Duration operationTimeout() {
        return operationTimeout;
    }

    /** @return how long the cluster may take to serve after it is started */
    public Duration startTimeout() {
        return startTimeout;
    }

    /** @return false if the engine's clients cannot be routed through proxies by rewriting the URI's hosts */
    public boolean proxyable() {
        return proxyable;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Options of a {@link FixtureSpec}. */
    public static final class Builder {
        private final String name;
        private final Supplier<? extends EngineCluster> cluster;
        private BiFunction<String, String, String> uri;
        private Duration sessionTtl = Duration.ofSeconds(3);
        private Duration expiryBound = Duration.ofSeconds(3);
        private Duration operationTimeout = Duration.ofSeconds(5);
        private Duration startTimeout = Duration.ofSeconds(90);
        private boolean proxyable = true;

        private Builder(String name, Supplier<? extends EngineCluster> cluster) {
            this.name = Objects.requireNonNull(name, "name");
            this.cluster = Objects.requireNonNull(cluster, "cluster");
        }

        /**
         * @param template makes a URI from the host list and the namespace
         * @return this builder
         */
        public Builder uri(BiFunction<String, String, String> template) {
            this.uri = template;
            return this;
        }

        /**
         * @param ttl the session TTL (default 3 s)
         * @return this builder
         */
        public Builder sessionTtl(Duration ttl) {
            this.sessionTtl = ttl;
            return this;
        }

        /**
         * @param bound B of SPEC.md (default 3 s)
         * @return this builder
         */
        public Builder expiryBound(Duration bound) {
            this.expiryBound = bound;
            return this;
        }

        /**
         * @param timeout the operation timeout (default 5 s)
         * @return this builder
         */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = timeout;
            return this;
        }

        /**
         * @param timeout how long the cluster may take to serve after start (default 90 s)
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * @param canProxy false if clients find other addresses by themselves (Redis Sentinel, Hazelcast)
         * @return this builder
         */
        public Builder proxyable(boolean canProxy) {
            this.proxyable = canProxy;
            return this;
        }

        /** @return the spec */
        public FixtureSpec build() {
            return new FixtureSpec(this);
        }
    }
}
