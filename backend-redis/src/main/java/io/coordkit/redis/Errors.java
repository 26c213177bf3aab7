package io.coordkit.redis;

import io.coordkit.spi.Futures;
import io.coordkit.BackendUnavailableException;
import io.coordkit.CoordinationException;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.SessionLostException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/** Maps Lettuce's and Redis's errors onto coordkit's exceptions (SPI-6); the table is in the README. */
final class Errors {

    private Errors() {
    }

    /** @return true if the connection that saw this error should not be used again */
    static boolean breaksConnection(Throwable e) {
        e = Futures.unwrap(e);
        if (e instanceof RedisCommandTimeoutException || e instanceof RedisConnectionException
                || e instanceof IOException) {
            return true;
        }
        if (e instanceof RedisCommandExecutionException) {
            String m = String.valueOf(e.getMessage());
            return m.startsWith("READONLY") || m.startsWith("MASTERDOWN") || m.startsWith("LOADING");
        }
        return e instanceof RedisException && !(e instanceof RedisCommandExecutionException);
    }

    /**
     * @param what the operation and its object, for the message
     * @param uri  the URI (password masked)
     * @param e    what went wrong
     * @return the coordkit exception
     */
    static RuntimeException map(String what, String uri, Throwable e) {
        e = Futures.unwrap(e);
        if (e instanceof CoordinationException ce) {
            return ce;
        }
        if (e instanceof CancellationException c) {
            return c;
        }
        String m = String.valueOf(e.getMessage());
        if (e instanceof RedisCommandTimeoutException) {
            return new CoordinationTimeoutException(what + " on " + uri + ": no answer from Redis in time", e);
        }
        if (e instanceof RedisCommandExecutionException) {
            if (m.startsWith("COORDKIT_LATE")) {
                return new CoordinationTimeoutException(what + " on " + uri + ": " + m.substring(9).trim(), e);
            }
            if (m.startsWith("COORDKIT_NOSESSION")) {
                return new SessionLostException(what + " on " + uri + ": " + m.substring(18).trim(), e);
            }
            if (m.startsWith("COORDKIT_TAKEN")) {
                return new CoordinationException(what + " failed: the id is already taken " + m.substring(14).trim(),
                        e);
            }
            if (m.startsWith("READONLY") || m.startsWith("MASTERDOWN") || m.startsWith("LOADING")
                    || m.startsWith("BUSY") || m.startsWith("TRYAGAIN")) {
                return new BackendUnavailableException(what + " on " + uri + ": Redis answered " + m, e);
            }
            if (m.startsWith("NOAUTH") || m.startsWith("WRONGPASS") || m.startsWith("NOPERM")) {
                return new CoordinationException(what + " on " + uri + ": not authorized by Redis (" + m
                        + "); check the user and password of the URI and the user's ACL", e);
            }
            return new CoordinationException(what + " on " + uri + ": Redis answered " + m, e);
        }
        if (e instanceof RedisException || e instanceof IOException) {
            return new BackendUnavailableException(what + " on " + uri + ": " + m, e);
        }
        return new CoordinationException(what + " on " + uri + " failed: " + e, e);
    }
}
