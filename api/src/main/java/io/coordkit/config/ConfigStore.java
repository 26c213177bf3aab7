package io.coordkit.config;

import io.coordkit.Subscription;

import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/**
 * A key/value configuration tree with versions, compare-and-set and ordered watches (SPEC.md, rules CFG-*).
 * Keys follow NAM-1 ({@code app/db/url}); values are bytes up to 512 KiB (NAM-3). Config keys are
 * persistent: they are not bound to the session.
 *
 * <p>A prefix names a subtree by whole segments: the prefix {@code app/db} covers {@code app/db} and
 * {@code app/db/url}, not {@code app/dbx}. The empty prefix covers the whole namespace.
 */
public interface ConfigStore {

    /**
     * @param key the key
     * @return its value and version, or empty if it has none
     */
    Optional<Versioned<byte[]>> get(String key);

    /**
     * @param key the key
     * @return its value as UTF-8 text and version, or empty
     */
    default Optional<Versioned<String>> getString(String key) {
        return get(key).map(Versioned::utf8);
    }

    /**
     * Writes unconditionally.
     *
     * @param key   the key
     * @param value the value, at most 512 KiB
     * @return the new version
     */
    long put(String key, byte[] value);

    /**
     * @param key   the key
     * @param value UTF-8 text, at most 512 KiB encoded
     * @return the new version
     */
    long put(String key, String value);

    /**
     * Writes only if the key's current version is {@code expectedVersion} ({@link Versioned#ABSENT}: only if
     * the key has no value).
     *
     * @param key             the key
     * @param expectedVersion the version the caller last saw
     * @param value           the new value
     * @return the new version
     * @throws io.coordkit.VersionConflictException if the version differed; nothing was written
     */
    long compareAndSet(String key, long expectedVersion, byte[] value);

    /**
     * Writes only if the key has no value.
     *
     * @param key   the key
     * @param value the value
     * @return the new version, or empty if the key already had a value (nothing was written)
     */
    Optional<Long> putIfAbsent(String key, byte[] value);

    /**
     * Deletes unconditionally.
     *
     * @param key the key
     * @return true if the key had a value
     */
    boolean delete(String key);

    /**
     * Deletes only if the key's current version is {@code expectedVersion}.
     *
     * @param key             the key
     * @param expectedVersion the version the caller last saw
     * @throws io.coordkit.VersionConflictException if the version differed or the key had no value
     */
    void delete(String key, long expectedVersion);

    /**
     * @param prefix the prefix ("" for everything)
     * @return every key with a value under the prefix, sorted by key
     */
    SortedMap<String, Versioned<byte[]>> list(String prefix);

    /**
     * Watches a key and everything under it. The first event is a RESYNC with the current state; then every
     * change follows in commit order, with versions that never go backwards for a key (CFG-6). When the
     * backend cannot prove that it missed nothing, it sends another RESYNC (CFG-8).
     *
     * @param prefix   the key or prefix ("" for everything)
     * @param listener the listener
     * @return a subscription that stops the watch
     */
    Subscription watch(String prefix, ConfigListener listener);

    /**
     * @param key the key
     * @return the asynchronous form of {@link #get(String)}
     */
    CompletableFuture<Optional<Versioned<byte[]>>> getAsync(String key);

    /**
     * @param key   the key
     * @param value the value
     * @return the asynchronous form of {@link #put(String, byte[])}
     */
    CompletableFuture<Long> putAsync(String key, byte[] value);

    /**
     * @param key             the key
     * @param expectedVersion the expected version
     * @param value           the value
     * @return the asynchronous form of {@link #compareAndSet(String, long, byte[])}
     */
    CompletableFuture<Long> compareAndSetAsync(String key, long expectedVersion, byte[] value);

    /**
     * @param key the key
     * @return the asynchronous form of {@link #delete(String)}
     */
    CompletableFuture<Boolean> deleteAsync(String key);

    /**
     * @param prefix the prefix
     * @return the asynchronous form of {@link #list(String)}
     */
    CompletableFuture<SortedMap<String, Versioned<byte[]>>> listAsync(String prefix);

    /**
     * {@link #compareAndSet(String, long, byte[])} with a string stored as UTF-8.
     *
     * @param key             the key
     * @param expectedVersion the version the key must have, or {@link Versioned#ABSENT} for "no value"
     * @param value           the new value, at most 512 KiB as UTF-8
     * @return the new version
     * @throws io.coordkit.VersionConflictException if the key's version is not {@code expectedVersion}
     */
    long compareAndSet(String key, long expectedVersion, String value);

    /**
     * {@link #putIfAbsent(String, byte[])} with a string stored as UTF-8.
     *
     * @param key   the key
     * @param value the value, at most 512 KiB as UTF-8
     * @return the new version, or empty if the key already had a value
     */
    Optional<Long> putIfAbsent(String key, String value);

    /**
     * The twin of {@link #put(String, String)}.
     *
     * @param key   the key
     * @param value the value, at most 512 KiB as UTF-8
     * @return the new version
     */
    CompletableFuture<Long> putAsync(String key, String value);

    /**
     * The twin of {@link #compareAndSet(String, long, String)}.
     *
     * @param key             the key
     * @param expectedVersion the version the key must have, or {@link Versioned#ABSENT}
     * @param value           the new value
     * @return the new version, or a future failed with {@link io.coordkit.VersionConflictException}
     */
    CompletableFuture<Long> compareAndSetAsync(String key, long expectedVersion, String value);

    /**
     * The twin of {@link #putIfAbsent(String, byte[])}.
     *
     * @param key   the key
     * @param value the value
     * @return the new version, or empty if the key already had a value
     */
    CompletableFuture<Optional<Long>> putIfAbsentAsync(String key, byte[] value);

    /**
     * The twin of {@link #delete(String, long)}.
     *
     * @param key             the key
     * @param expectedVersion the version the key must have
     * @return a future that completes once deleted, or fails with {@link io.coordkit.VersionConflictException}
     */
    CompletableFuture<Void> deleteAsync(String key, long expectedVersion);

    /**
     * The twin of {@link #putIfAbsent(String, String)}.
     *
     * @param key   the key
     * @param value the value, at most 512 KiB as UTF-8
     * @return the new version, or empty if the key already had a value
     */
    CompletableFuture<Optional<Long>> putIfAbsentAsync(String key, String value);
}
