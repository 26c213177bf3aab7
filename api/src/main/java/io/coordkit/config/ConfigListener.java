package io.coordkit.config;

/** Told of every change under a watched key or prefix, in commit order. */
@FunctionalInterface
public interface ConfigListener {
    /**
     * Called once per event, one at a time and in order, on a coordkit thread.
     *
     * @param event the event
     */
    void onEvent(ConfigEvent event);
}
