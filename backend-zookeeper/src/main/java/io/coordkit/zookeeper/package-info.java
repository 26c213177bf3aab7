/**
 * The ZooKeeper backend of coordkit: {@link io.coordkit.zookeeper.ZooKeeperProvider} (schemes {@code zookeeper}
 * and {@code embedded}) and {@link io.coordkit.zookeeper.EmbeddedZooKeeper}, an in-process server for demos and
 * tests. Everything else in this package is internal; the module's README describes the data layout, the recipes,
 * the capabilities and the failure bounds.
 */
package io.coordkit.zookeeper;
