package io.coordkit.etcd;

import io.coordkit.BackendUnavailableException;
import io.coordkit.CoordinationException;
import io.coordkit.CoordinationTimeoutException;
import io.coordkit.SessionLostException;
import io.coordkit.spi.Futures;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.util.concurrent.CancellationException;

/** Maps jetcd's and gRPC's errors onto coordkit's exceptions (SPI-6). */
final class Errors {

    private Errors() {
    }

    /**
     * @param t a failure
     * @return the gRPC status code it carries, or null
     */
    static Status.Code code(Throwable t) {
        for (Throwable c = Futures.unwrap(t); c != null; c = c.getCause()) {
            if (c instanceof StatusRuntimeException s) {
                return s.getStatus().getCode();
            }
            if (c instanceof StatusException s) {
                return s.getStatus().getCode();
            }
            if (c instanceof EtcdException e) {
                return Status.Code.valueOf(e.getErrorCode().name());
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /**
     * @param t a failure
     * @return true if etcd said the lease does not exist (expired or revoked)
     */
    static boolean isLeaseNotFound(Throwable t) {
        for (Throwable c = Futures.unwrap(t); c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.contains("requested lease not found")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    /**
     * @param operation what was attempted, for the message
     * @param target    the object, for the message
     * @param uri       the masked URI
     * @param limit     the time limit of the call
     * @param t         the failure
     * @return the coordkit exception to complete with
     */
    static CoordinationException map(String operation, String target, String uri, Duration limit, Throwable t) {
        Throwable c = Futures.unwrap(t);
        if (c instanceof CoordinationException ce) {
            return ce;
        }
        String what = operation + " " + target + " at " + uri;
        if (isLeaseNotFound(c)) {
            return new SessionLostException(what + ": the session's etcd lease is gone", c);
        }
        if (c instanceof CancellationException) {
            return new CoordinationException(what + ": cancelled", c);
        }
        Status.Code code = code(c);
        if (code == null) {
            return new CoordinationException(what + " failed: " + c, c);
        }
        if ((code == Status.Code.UNKNOWN || code == Status.Code.INTERNAL) && isTransportFailure(c)) {
            // a connection that broke under the call (gRPC reports "channel closed" as UNKNOWN)
            return new BackendUnavailableException(what + ": connection to etcd lost: " + message(c), c);
        }
        return switch (code) {
            case DEADLINE_EXCEEDED -> new CoordinationTimeoutException(what + ": no answer within the operation "
                    + "timeout of " + limit + " (SPI-3)", c);
            case UNAVAILABLE, ABORTED, RESOURCE_EXHAUSTED, CANCELLED ->
                    new BackendUnavailableException(what + ": etcd unavailable: " + message(c), c);
            case UNAUTHENTICATED, PERMISSION_DENIED -> new CoordinationException(what + ": not authorized by etcd ("
                    + message(c) + "); check the credentials of the URI", c);
            default -> new CoordinationException(what + " failed: " + code + " " + message(c), c);
        };
    }

    private static boolean isTransportFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException) {
                return true;
            }
            String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("channel closed") || m.contains("connection closed") || m.contains("connection reset")
                    || m.contains("rst_stream") || m.contains("goaway")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static String message(Throwable t) {
        return String.valueOf(t.getMessage());
    }
}
