package io.coordkit.config;

/**
 * Told of the changes under a watched key or prefix, in commit order (SPEC.md CFG-6): a {@code RESYNC} first,
 * then {@code PUT} and {@code DELETE} events. Intermediate versions written in quick succession may be coalesced
 * unless the backend declares {@link io.coordkit.Capability#WATCH_EVERY_VERSION}; after a disconnect the
 * listener gets the missed changes or a new {@code RESYNC} (CFG-8).
 */
@FunctionalInterface
public interface ConfigListener {
    /**
     * Called once per event, one at a time and in order, on a coordkit thread.
     *
     * @param event the event
     */
    void onEvent(ConfigEvent event);
}
