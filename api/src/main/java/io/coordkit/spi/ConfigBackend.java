package io.coordkit.spi;

import io.coordkit.Subscription;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.Versioned;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/** The config primitive of a backend (SPEC.md CFG-*). Keys are persistent, not session-bound. */
public interface ConfigBackend {

    /**
     * @param key the key
     * @return its value and version, or empty
     */
    CompletableFuture<Optional<Versioned<byte[]>>> get(String key);

    /**
     * @param key   the key
     * @param value the value
     * @return the new version, strictly greater than every earlier version of the key (CFG-2)
     */
    CompletableFuture<Long> put(String key, byte[] value);

    /**
     * @param key             the key
     * @param expectedVersion the version to find, or {@link Versioned#ABSENT}
     * @param value           the value
     * @return the new version; completed with {@link io.coordkit.VersionConflictException} if the version differed
     */
    CompletableFuture<Long> compareAndSet(String key, long expectedVersion, byte[] value);

    /**
     * @param key             the key
     * @param expectedVersion the version to find, or empty for an unconditional delete
     * @return true if a value was deleted; with an expected version, completed with
     *         {@link io.coordkit.VersionConflictException} if the version differed or there was no value
     */
    CompletableFuture<Boolean> delete(String key, OptionalLong expectedVersion);

    /**
     * @param prefix the prefix, by whole segments; "" for everything
     * @return every key with a value under the prefix
     */
    CompletableFuture<SortedMap<String, Versioned<byte[]>>> list(String prefix);

    /**
     * Starts a watch. The backend delivers a RESYNC first, then changes in commit order, never a version going
     * backwards for a key, and another RESYNC whenever it cannot prove it missed nothing (CFG-6 to CFG-9). It
     * keeps the watch alive across disconnects and new sessions until the subscription is closed. Calls to
     * the listener must not overlap; the core moves them off the backend's threads.
     *
     * @param prefix   the prefix, by whole segments; "" for everything
     * @param listener where events go
     * @return the subscription
     */
    Subscription watch(String prefix, ConfigListener listener);
}
