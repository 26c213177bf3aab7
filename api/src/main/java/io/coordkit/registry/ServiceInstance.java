package io.coordkit.registry;

import java.util.Map;

/**
 * One instance of a service.
 *
 * @param id       the instance id, a name segment (SPEC.md NAM-1), unique within its service
 * @param address  where clients reach it, for example {@code 10.0.0.7:8080}; 1 to 1024 characters
 * @param metadata free-form attributes (version, zone, weight...); at most 512 KiB in all
 */
public record ServiceInstance(String id, String address, Map<String, String> metadata) {

    /**
     * Copies the metadata; names, address and sizes are checked when the instance is registered (NAM-1, NAM-4).
     *
     * @throws IllegalArgumentException if the id, the address, or a metadata key or value is null (NAM-2)
     */
    public ServiceInstance {
        if (id == null || address == null) {
            throw new IllegalArgumentException("instance " + (id == null ? "id" : "address")
                    + " must not be null (NAM-2)");
        }
        if (metadata == null) {
            metadata = Map.of();
        } else {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("instance metadata must not hold a null key or value"
                            + " (NAM-4): " + e.getKey() + "=" + e.getValue());
                }
            }
            metadata = Map.copyOf(metadata);
        }
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
