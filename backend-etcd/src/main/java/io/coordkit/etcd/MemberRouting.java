package io.coordkit.etcd;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps jetcd's calls away from members that do not answer. jetcd balances calls round robin over every endpoint,
 * and a frozen member keeps a healthy-looking TCP connection (gRPC's keep-alive pings cannot be more frequent than
 * 10 s, etcd refuses them more often than every 5 s), so a share of all calls would wait out their deadline there for
 * as long as the member stays frozen.
 *
 * <p>jetcd's channel resolves its target through this session's own gRPC name resolver scheme, which lists the
 * members that answered their last status probe. Every member is probed on its own channel when the session opens
 * and then every keep-alive interval, with the keep-alive timeout as deadline; one that does not answer is left out of the list (round robin
 * then stops sending it calls) until it answers again. The list is never empty: when no member answers, all are
 * listed. With a single endpoint nothing is ever left out.
 */
final class MemberRouting extends NameResolverProvider {

    private static final Logger LOG = LoggerFactory.getLogger(MemberRouting.class);
    private static final AtomicInteger SCHEMES = new AtomicInteger();

    private final EtcdSession session;
    private final String scheme = "coordkit-etcd-" + SCHEMES.incrementAndGet();
    private final List<InetSocketAddress> addresses;
    private final Set<Integer> unanswered = ConcurrentHashMap.newKeySet();
    private final Set<Resolver> resolvers = ConcurrentHashMap.newKeySet();
    private final long intervalMs;
    private final long deadlineMs;
    private volatile boolean closed;

    MemberRouting(EtcdSession session, List<InetSocketAddress> addresses, long intervalMs, long deadlineMs) {
        this.session = session;
        this.addresses = List.copyOf(addresses);
        this.intervalMs = intervalMs;
        this.deadlineMs = deadlineMs;
        NameResolverRegistry.getDefaultRegistry().register(this);
    }

    /** @return the target to give jetcd */
    String target() {
        return scheme + ":///etcd";
    }

    /**
     * Probes every member once, now, and then every interval (only with more than one member).
     *
     * @return the first round: the status of every member that answered in time, by index
     */
    java.util.concurrent.CompletableFuture<java.util.Map<Integer, StatusResponse>> start() {
        return probe(addresses.size() > 1);
    }

    private java.util.concurrent.CompletableFuture<java.util.Map<Integer, StatusResponse>> probe(boolean again) {
        java.util.concurrent.CompletableFuture<java.util.Map<Integer, StatusResponse>> round =
                new java.util.concurrent.CompletableFuture<>();
        if (closed) {
            round.complete(java.util.Map.of());
            return round;
        }
        java.util.Map<Integer, StatusResponse> answers = new ConcurrentHashMap<>();
        List<EtcdSession.MemberChannel> members = session.members();
        AtomicInteger pending = new AtomicInteger(members.size());
        for (int i = 0; i < members.size(); i++) {
            int index = i;
            com.google.common.util.concurrent.ListenableFuture<StatusResponse> call =
                    MaintenanceGrpc.newFutureStub(members.get(i).channel)
                            .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                            .status(StatusRequest.getDefaultInstance());
            call.addListener(() -> {
                boolean answered;
                try {
                    answers.put(index, call.get());
                    answered = true;
                } catch (Exception e) {
                    answered = false;
                    members.get(index).channel.resetConnectBackoff();
                }
                if (answered ? unanswered.remove(index) : unanswered.add(index)) {
                    LOG.info("{}: member {} {}", session.spec().uri(), members.get(index),
                            answered ? "answers again: calls go to it again" : "does not answer: calls avoid it");
                    publishAll();
                }
                if (pending.decrementAndGet() == 0) {
                    round.complete(answers);
                    if (again) {
                        session.schedule(() -> probe(true), intervalMs);
                    }
                }
            }, session::runSafely);
        }
        return round;
    }

    private void publishAll() {
        for (Resolver r : resolvers) {
            r.publish();
        }
    }

    private List<EquivalentAddressGroup> current() {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            if (!unanswered.contains(i)) {
                groups.add(new EquivalentAddressGroup(addresses.get(i)));
            }
        }
        if (groups.isEmpty()) {
            addresses.forEach(a -> groups.add(new EquivalentAddressGroup(a)));
        }
        return groups;
    }

    void close() {
        closed = true;
        NameResolverRegistry.getDefaultRegistry().deregister(this);
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return scheme;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI targetUri, NameResolver.Args args) {
        return scheme.equals(targetUri.getScheme()) ? new Resolver() : null;
    }

    /** The resolver of jetcd's channel: the members that answer. */
    private final class Resolver extends NameResolver {
        private volatile Listener2 listener;

        @Override
        public String getServiceAuthority() {
            return "etcd";
        }

        @Override
        public void start(Listener2 l) {
            listener = l;
            resolvers.add(this);
            publish();
        }

        @Override
        public void refresh() {
            publish();
        }

        void publish() {
            Listener2 l = listener;
            if (l != null) {
                l.onResult(ResolutionResult.newBuilder().setAddressesOrError(
                        io.grpc.StatusOr.fromValue(current())).setAttributes(Attributes.EMPTY).build());
            }
        }

        @Override
        public void shutdown() {
            resolvers.remove(this);
        }
    }
}
