package io.coordkit.internal;

import io.coordkit.spi.CoordinationProvider;

import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/** Finds backends with {@link ServiceLoader} by URI scheme (SPEC.md URI-1). Internal. */
final class Providers {

    private Providers() {
    }

    private static Iterable<CoordinationProvider> load() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return ServiceLoader.load(CoordinationProvider.class,
                context != null ? context : Providers.class.getClassLoader());
    }

    static Set<String> schemes() {
        Set<String> schemes = new TreeSet<>();
        for (CoordinationProvider p : load()) {
            p.schemes().forEach(s -> schemes.add(s.toLowerCase(Locale.ROOT)));
        }
        return schemes;
    }

    /**
     * @param scheme lower-case scheme
     * @return its provider
     * @throws IllegalArgumentException listing the known schemes if none serves it
     */
    static CoordinationProvider forScheme(String scheme) {
        try {
            for (CoordinationProvider p : load()) {
                for (String s : p.schemes()) {
                    if (s.equalsIgnoreCase(scheme)) {
                        return p;
                    }
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a coordkit backend on the class path cannot be loaded: "
                    + e.getMessage(), e);
        }
        Set<String> known = schemes();
        throw new IllegalArgumentException("unknown uri scheme '" + scheme + "' (URI-1): "
                + (known.isEmpty()
                ? "no coordkit backend is on the class path; add one, e.g. coordkit-zookeeper"
                : "known schemes are " + String.join(", ", known)));
    }
}
