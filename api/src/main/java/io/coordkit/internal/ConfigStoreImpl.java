package io.coordkit.internal;

import io.coordkit.Subscription;
import io.coordkit.VersionConflictException;
import io.coordkit.config.ConfigEvent;
import io.coordkit.config.ConfigListener;
import io.coordkit.config.ConfigStore;
import io.coordkit.config.Versioned;
import io.coordkit.spi.Futures;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/** The core's config store (CFG-*): checks, then one call through {@link Calls}. Internal. */
final class ConfigStoreImpl implements ConfigStore {
    private final CoordinatorImpl coordinator;

    ConfigStoreImpl(CoordinatorImpl coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public Optional<Versioned<byte[]>> get(String key) {
        return Calls.awaitInline(() -> getAsync(key));
    }

    @Override
    public CompletableFuture<Optional<Versioned<byte[]>>> getAsync(String key) {
        Validation.name("key", key);
        return coordinator.calls().read("get '" + key + "'", () -> coordinator.backend().config().get(key));
    }

    @Override
    public long put(String key, byte[] value) {
        return Calls.awaitInline(() -> putAsync(key, value));
    }

    @Override
    public long put(String key, String value) {
        Validation.name("key", key);
        return put(key, Validation.value("value", value));
    }

    @Override
    public CompletableFuture<Long> putAsync(String key, String value) {
        Validation.name("key", key);
        return putAsync(key, Validation.value("value", value));
    }

    @Override
    public CompletableFuture<Long> putAsync(String key, byte[] value) {
        Validation.name("key", key);
        byte[] copy = Validation.value("value", value).clone();
        return coordinator.calls().write("put '" + key + "'", () -> coordinator.backend().config().put(key, copy));
    }

    @Override
    public long compareAndSet(String key, long expectedVersion, byte[] value) {
        return Calls.awaitInline(() -> compareAndSetAsync(key, expectedVersion, value));
    }

    @Override
    public CompletableFuture<Long> compareAndSetAsync(String key, long expectedVersion, byte[] value) {
        Validation.name("key", key);
        expectedVersion("expectedVersion", expectedVersion);
        byte[] copy = Validation.value("value", value).clone();
        return coordinator.calls().write("compareAndSet '" + key + "'",
                () -> coordinator.backend().config().compareAndSet(key, expectedVersion, copy));
    }

    @Override
    public long compareAndSet(String key, long expectedVersion, String value) {
        return Calls.awaitInline(() -> compareAndSetAsync(key, expectedVersion, value));
    }

    @Override
    public CompletableFuture<Long> compareAndSetAsync(String key, long expectedVersion, String value) {
        Validation.name("key", key);
        return compareAndSetAsync(key, expectedVersion, Validation.value("value", value));
    }

    @Override
    public Optional<Long> putIfAbsent(String key, byte[] value) {
        return Calls.awaitInline(() -> putIfAbsentAsync(key, value));
    }

    @Override
    public Optional<Long> putIfAbsent(String key, String value) {
        return Calls.awaitInline(() -> putIfAbsentAsync(key, value));
    }

    @Override
    public CompletableFuture<Optional<Long>> putIfAbsentAsync(String key, String value) {
        Validation.name("key", key);
        return putIfAbsentAsync(key, Validation.value("value", value));
    }

    @Override
    public CompletableFuture<Optional<Long>> putIfAbsentAsync(String key, byte[] value) {
        return compareAndSetAsync(key, Versioned.ABSENT, value).handle((version, failure) -> {
            if (failure == null) {
                return Optional.of(version);
            }
            Throwable cause = Futures.unwrap(failure);
            if (cause instanceof VersionConflictException) {
                return Optional.<Long>empty();
            }
            throw cause instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(cause);
        });
    }

    @Override
    public boolean delete(String key) {
        return Calls.awaitInline(() -> deleteAsync(key));
    }

    @Override
    public CompletableFuture<Boolean> deleteAsync(String key) {
        Validation.name("key", key);
        return coordinator.calls().write("delete '" + key + "'",
                () -> coordinator.backend().config().delete(key, OptionalLong.empty()));
    }

    @Override
    public void delete(String key, long expectedVersion) {
        Calls.awaitInline(() -> deleteAsync(key, expectedVersion));
    }

    @Override
    public CompletableFuture<Void> deleteAsync(String key, long expectedVersion) {
        Validation.name("key", key);
        if (expectedVersion < 0) {
            throw new IllegalArgumentException("expectedVersion of a conditional delete must be >= 0 (NAM-2), was "
                    + expectedVersion);
        }
        return coordinator.calls().write("delete '" + key + "' at version " + expectedVersion,
                () -> coordinator.backend().config().delete(key, OptionalLong.of(expectedVersion))).thenApply(x -> null);
    }

    @Override
    public SortedMap<String, Versioned<byte[]>> list(String prefix) {
        return Calls.awaitInline(() -> listAsync(prefix));
    }

    @Override
    public CompletableFuture<SortedMap<String, Versioned<byte[]>>> listAsync(String prefix) {
        Validation.prefix("prefix", prefix);
        return coordinator.calls().read("list '" + prefix + "'", () -> coordinator.backend().config().list(prefix));
    }

    @Override
    public Subscription watch(String prefix, ConfigListener listener) {
        Validation.prefix("prefix", prefix);
        Validation.notNull("listener", listener);
        return coordinator.<ConfigEvent>subscribe("config watch '" + prefix + "'",
                sink -> coordinator.backend().config().watch(prefix, sink::accept), listener::onEvent);
    }

    private static void expectedVersion(String argument, long version) {
        if (version < Versioned.ABSENT) {
            throw new IllegalArgumentException(argument + " must be >= 0, or Versioned.ABSENT (-1) for 'no value'"
                    + " (NAM-2), was " + version);
        }
    }
}
