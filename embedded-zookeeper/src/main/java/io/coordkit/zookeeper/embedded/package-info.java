/**
 * An in-process ZooKeeper server for demos and tests ({@link io.coordkit.zookeeper.embedded.EmbeddedZooKeeper}) and
 * the {@code embedded:} scheme that starts one per coordinator
 * ({@link io.coordkit.zookeeper.embedded.EmbeddedZooKeeperProvider}). A module of its own (artifact
 * {@code coordkit-zookeeper-embedded}) so that applications that use {@code zookeeper://} only do not receive the
 * server's dependencies (Dropwizard metrics, snappy-java).
 */
package io.coordkit.zookeeper.embedded;
