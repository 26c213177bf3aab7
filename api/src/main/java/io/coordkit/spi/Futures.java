package io.coordkit.spi;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Small helpers for the futures that the SPI is made of, shared by the core and the backends. */
public final class Futures {

    private Futures() {
    }

    /**
     * @param t a failure as a future reports it
     * @return the first cause that is not a {@link CompletionException} or {@link ExecutionException} wrapper (the
     *         failure itself when it is none)
     */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
