package io.coordkit.election;

/** Factory of leader elections of one coordinator. */
public interface Elections {
    /**
     * @param name a key-style name (SPEC.md NAM-1)
     * @return a handle on the election of that name; nothing happens on the engine until it is used
     * @throws IllegalArgumentException if the name breaks NAM-1
     */
    Election election(String name);
}
