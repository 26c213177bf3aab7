/**
 * The etcd v3 backend of coordkit, through jetcd. The only public type is {@link io.coordkit.etcd.EtcdProvider},
 * found by {@link java.util.ServiceLoader} for the scheme {@code etcd}; everything else is package-private. See
 * the module's README for the data layout, the recipes, the capabilities and the failure behaviour.
 */
package io.coordkit.etcd;
