package io.coordkit.tck;

import java.util.Set;

/**
 * Makes fixtures known to the TCK runner ({@code java -jar coordkit-tck.jar --fixture NAME}), found with
 * {@link java.util.ServiceLoader}: list implementations in
 * {@code META-INF/services/io.coordkit.tck.TckFixtureProvider}.
 */
public interface TckFixtureProvider {

    /** @return the fixture names this provider can create, for example {@code zookeeper-ensemble} */
    Set<String> fixtureNames();

    /**
     * @param name one of {@link #fixtureNames()}
     * @return a new fixture, not started
     */
    TckFixture create(String name);
}
