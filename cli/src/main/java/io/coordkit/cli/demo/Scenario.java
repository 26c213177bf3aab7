package io.coordkit.cli.demo;

/** One of the demo's four scenarios. */
interface Scenario {

    /** @return a one-word name, for example {@code naming} */
    String name();

    /** @return what the scenario shows, in one line */
    String title();

    /**
     * Plays the scenario, printing its steps and recording its checks on the stage.
     *
     * @param stage the stage
     * @throws DemoFailure if something expected did not happen (the stage records it)
     * @throws Exception   on any other error
     */
    void play(Stage stage) throws Exception;
}
