package io.coordkit.bench;

import java.util.List;
import java.util.Map;

/** The rows of one engine: starts its server, measures, stops it. */
interface EngineBench {

    /** @return the engine's name, as in the report */
    String engine();

    /**
     * Starts the server, measures every row, stops the server (also on failure).
     *
     * @param runner      the measuring harness
     * @param settings    how much to measure
     * @param environment where to add versions and settings for the report
     * @return the rows
     */
    List<Row> run(Runner runner, Settings settings, Map<String, String> environment) throws Exception;
}
