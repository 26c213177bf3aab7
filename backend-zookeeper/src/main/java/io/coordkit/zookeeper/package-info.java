/**
 * The ZooKeeper backend of coordkit: {@link io.coordkit.zookeeper.ZooKeeperProvider} (scheme {@code zookeeper}).
 * Everything else in this package is internal; the module's README describes the data layout, the recipes, the
 * capabilities and the failure bounds. The in-process server and the {@code embedded} scheme are in the module
 * coordkit-zookeeper-embedded ({@code io.coordkit.zookeeper.embedded}).
 */
package io.coordkit.zookeeper;
