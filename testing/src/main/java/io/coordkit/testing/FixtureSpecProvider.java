package io.coordkit.testing;

import java.util.Set;

/**
 * Makes a launcher's fixtures known by name, found with {@link java.util.ServiceLoader}: list implementations in
 * {@code META-INF/services/io.coordkit.testing.FixtureSpecProvider}. The TCK's runner
 * ({@code java -jar coordkit-tck.jar --fixture NAME}) offers every name of every provider on its class path.
 */
public interface FixtureSpecProvider {

    /** @return the fixture names this provider can create, for example {@code zookeeper-ensemble} */
    Set<String> fixtureNames();

    /**
     * @param name one of {@link #fixtureNames()}
     * @return the spec
     * @throws IllegalArgumentException for another name
     */
    FixtureSpec create(String name);
}
