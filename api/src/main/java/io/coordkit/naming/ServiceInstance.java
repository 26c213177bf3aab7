package io.coordkit.naming;

import java.util.Map;
import java.util.Objects;

/**
 * One instance of a service.
 *
 * @param id       the instance id, a name segment (SPEC.md NAM-1), unique within its service
 * @param address  where clients reach it, for example {@code 10.0.0.7:8080}; 1 to 1024 characters
 * @param metadata free-form attributes (version, zone, weight...); at most 512 KiB in all
 */
public record ServiceInstance(String id, String address, Map<String, String> metadata) {

    /** Copies the metadata; the values are checked when the instance is registered. */
    public ServiceInstance {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(address, "address must not be null");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * @param id      the instance id
     * @param address the address
     * @return an instance without metadata
     */
    public static ServiceInstance of(String id, String address) {
        return new ServiceInstance(id, address, Map.of());
    }
}
