package io.coordkit.zookeeper;

import io.coordkit.BackendUnavailableException;
import io.coordkit.CoordinationException;
import io.coordkit.SessionLostException;
import io.coordkit.spi.Futures;
import org.apache.curator.CuratorConnectionLossException;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;

import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Maps ZooKeeper result codes and client exceptions onto coordkit's exceptions (SPEC.md SPI-6). Version
 * conflicts are mapped at the call site, where the key and the expected version are known.
 */
final class Errors {

    private Errors() {
    }

    /**
     * @param code result code of a ZooKeeper operation (not OK)
     * @param what the operation and the object, for example "get of config key 'a/b'"
     * @return the matching coordkit exception
     */
    static CoordinationException of(KeeperException.Code code, String what) {
        return switch (code) {
            case CONNECTIONLOSS, OPERATIONTIMEOUT, SESSIONMOVED, NEWCONFIGNOQUORUM, RECONFIGINPROGRESS,
                 THROTTLEDOP, REQUESTTIMEOUT -> new BackendUnavailableException(
                    what + " failed: ZooKeeper unavailable (" + describe(code) + ")");
            case SESSIONEXPIRED, UNKNOWNSESSION, SESSIONCLOSEDREQUIRESASLAUTH -> new SessionLostException(
                    what + " failed: the ZooKeeper session is gone (" + describe(code) + ")");
            case NOAUTH, AUTHFAILED, INVALIDACL -> new CoordinationException(
                    what + " failed: not authorized by ZooKeeper (" + describe(code)
                            + "); check the credentials of the URI and the ACLs of the namespace");
            default -> new CoordinationException(what + " failed: ZooKeeper error " + describe(code));
        };
    }

    /**
     * @param event a finished background operation
     * @param what  the operation and the object
     * @return the matching coordkit exception
     */
    static CoordinationException of(CuratorEvent event, String what) {
        return of(KeeperException.Code.get(event.getResultCode()), what);
    }

    /**
     * @param t    anything thrown by the client or a failed stage
     * @param what the operation and the object
     * @return t itself if already a coordkit exception, otherwise its coordkit equivalent
     */
    static RuntimeException of(Throwable t, String what) {
        Throwable cause = Futures.unwrap(t);
        if (cause instanceof CoordinationException ce) {
            return ce;
        }
        if (cause instanceof CancellationException ce) {
            return ce;
        }
        if (cause instanceof KeeperException ke) {
            CoordinationException mapped = of(ke.code(), what);
            mapped.initCause(ke);
            return mapped;
        }
        if (cause instanceof CuratorConnectionLossException) {
            return new BackendUnavailableException(what + " failed: ZooKeeper unavailable (connection loss)", cause);
        }
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new CoordinationException(what + " was interrupted", cause);
        }
        return new CoordinationException(what + " failed: " + cause, cause);
    }

    /**
     * @param code a result code
     * @return true for the codes that say the server could not be reached or did not answer in time
     */
    static boolean isConnectionProblem(KeeperException.Code code) {
        return code == KeeperException.Code.CONNECTIONLOSS || code == KeeperException.Code.OPERATIONTIMEOUT
                || code == KeeperException.Code.REQUESTTIMEOUT || code == KeeperException.Code.SESSIONMOVED;
    }

    /**
     * @param t a failure
     * @return true if it says the server could not be reached, as opposed to a lost session or a refusal
     */
    static boolean isUnavailable(Throwable t) {
        return Futures.unwrap(t) instanceof BackendUnavailableException;
    }

    private static String describe(KeeperException.Code code) {
        return code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
