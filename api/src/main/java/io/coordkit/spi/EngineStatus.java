package io.coordkit.spi;

import io.coordkit.Health;

import java.util.List;
import java.util.Optional;

/**
 * What a backend reports of its engine; the core adds session state and round-trip time to make a
 * {@link Health}.
 *
 * @param members every member the backend knows of
 * @param leader  the leader's or master's address, where known
 */
public record EngineStatus(List<Health.Member> members, Optional<String> leader) {
    /** Copies the list. */
    public EngineStatus {
        members = List.copyOf(members);
    }
}
