package io.coordkit.election;

import java.util.Map;
import java.util.Objects;

/**
 * A leadership: who leads and in which term.
 *
 * @param candidateId the leader's candidate id
 * @param metadata    the leader's metadata
 * @param term        the term, strictly greater than the term of every earlier leadership of this election; use
 *                    it as a fencing token for what the leader writes
 */
public record LeaderInfo(String candidateId, Map<String, String> metadata, long term) {
    /** Copies the metadata. */
    public LeaderInfo {
        Objects.requireNonNull(candidateId, "candidateId");
        metadata = Map.copyOf(metadata);
    }
}
