package io.coordkit.internal;

import io.coordkit.Coordinator;
import io.coordkit.spi.CoordinationProvider;

import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/** Opens coordinators. Internal: not part of the API. (Being written: the core.) */
public final class CoordinatorFactory {
    private CoordinatorFactory() {
    }

    /** @return the schemes of the providers on the class path */
    public static Set<String> availableSchemes() {
        Set<String> schemes = new TreeSet<>();
        for (CoordinationProvider p : ServiceLoader.load(CoordinationProvider.class)) {
            schemes.addAll(p.schemes());
        }
        return schemes;
    }

    /**
     * @param options the options
     * @return the coordinator
     */
    public static Coordinator connect(CoordinatorOptions options) {
        throw new UnsupportedOperationException("the core is being written");
    }
}
