package dev.grpcconnector.glassfish;

import dev.grpcconnector.grizzly.CallLimits;
import dev.grpcconnector.grizzly.workaround.ClientResetFilter;
import dev.grpcconnector.grizzly.workaround.ConnectionWindowFilter;
import dev.grpcconnector.grizzly.workaround.HeaderTableSizeFilter;
import dev.grpcconnector.grizzly.HttpBodyCallFilter;
import dev.grpcconnector.grizzly.PeerWindowFilter;
import dev.grpcconnector.grizzly.workaround.ConcurrentStreamLimit;
import dev.grpcconnector.grizzly.workaround.FinishedStreamRelease;
import dev.grpcconnector.grizzly.workaround.HeaderListCeilingFilter;
import dev.grpcconnector.grizzly.workaround.TruncatedHeadersScrubFilter;
import dev.grpcconnector.health.HealthService;
import dev.grpcconnector.logging.RefusalLog;
import dev.grpcconnector.memory.MemoryBudget;
import dev.grpcconnector.security.EdgeAuthentication;
import dev.grpcconnector.services.TypedServiceFilter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.net.UnknownHostException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.config.support.GlassFishConfigBean;
import org.glassfish.grizzly.comet.CometAddOn;
import org.glassfish.grizzly.config.ConfigAwareElement;
import org.glassfish.grizzly.config.dom.Http;
import org.glassfish.grizzly.config.dom.NetworkListener;
import org.glassfish.grizzly.filterchain.Filter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http2.Http2Configuration;
import org.glassfish.grizzly.http2.Http2ServerFilter;
import org.glassfish.hk2.api.PerLookup;
import org.glassfish.hk2.api.Rank;
import org.glassfish.hk2.api.ServiceLocator;
import org.jvnet.hk2.config.types.Property;
import org.jvnet.hk2.annotations.ContractsProvided;
import org.jvnet.hk2.annotations.Service;

/**
 * Installs the connector on the listeners that ask for it.
 *
 * <p><b>Why it poses as the Comet add-on.</b> GlassFish's {@code GenericGrizzlyListener}
 * builds an {@code <http>} protocol's filter chain itself and looks up only three named
 * add-ons — {@code comet}, {@code websocket} and {@code ajp} — with no generic extension
 * point (docs/upstream/glassfish-addon-extension-point.md proposes one). This service
 * takes the {@code comet} name with a higher rank than the stock provider, so it is what
 * a listener with {@code comet-support-enabled=true} gets. It <em>is</em> the stock
 * add-on (it extends {@link CometAddOn} and calls it first), and on a listener without
 * the {@code grpc-connector=true} property it does nothing else.
 *
 * <p>Where the property is set it inserts, right below the HTTP/1 codec
 * ({@code HttpServerFilter}, which is below {@code Http2ServerFilter}), where the
 * connection's raw bytes pass, {@link ConnectionWindowFilter}, {@link ClientResetFilter},
 * {@link PeerWindowFilter}, the inbound part of {@link ConcurrentStreamLimit} and {@link TruncatedHeadersScrubFilter};
 * and right after {@code Http2ServerFilter}, where each HTTP/2 stream is a request, the
 * request part of {@link ConcurrentStreamLimit}, {@link HeaderListCeilingFilter},
 * {@link HeaderTableSizeFilter} and {@link HttpBodyCallFilter} (docs/architecture.md says
 * why each is there and why in this order):
 *
 * <pre>
 * Transport → IdleTimeout → ConnectionWindowFilter → ClientResetFilter → PeerWindowFilter
 *     → ConcurrentStreamLimit.Inbound → TruncatedHeadersScrubFilter → HTTP/1 codec → Http2ServerFilter → ConcurrentStreamLimit.Requests
 *     → HeaderListCeilingFilter → HeaderTableSizeFilter → HttpBodyCallFilter → … → web container
 * </pre>
 * It also sets Grizzly's own concurrent-stream and header-list limits out of a client's
 * reach ({@link ConcurrentStreamLimit#grizzlyLimit}, {@link HeaderListCeilingFilter#grizzlyLimit}),
 * while the configured ones are advertised and enforced. GlassFish calls
 * {@link #configure} and then {@link #setup} each time it builds the listener, so a
 * changed setting takes effect when the listener is rebuilt. One instance per listener
 * ({@link PerLookup}).
 */
@Service(name = "comet")
@Rank(100)
@PerLookup
@ContractsProvided({GrpcConnectorAddOn.class, AddOn.class})
public class GrpcConnectorAddOn extends CometAddOn implements ConfigAwareElement<Http> {
    private static final Logger LOG = Logger.getLogger(GrpcConnectorAddOn.class.getName());
    /** Grizzly's {@code Http2Session.getDefaultMaxConcurrentStreams()}, GlassFish's default too. */
    private static final int DEFAULT_MAX_STREAMS = 100;

    private ConnectorSettings settings = ConnectorSettings.DISABLED;
    private EdgeAuthentication authentication;
    private String listenerName = "?";
    private HealthService health;

    @Override
    public void configure(ServiceLocator locator, NetworkListener listener, Http http) {
        configure(locator, listener.getName(), listener.getAddress(), http::getPropertyValue, name -> written(http, name));
    }

    /**
     * A property's value as written in domain.xml: the raw view of the property itself
     * (a raw view of the {@code <http>} element still resolves its properties' values).
     */
    private static String written(Http http, String name) {
        for (Property property : http.getProperty()) {
            if (name.equals(property.getName())) {
                return GlassFishConfigBean.getRawView(property).getValue();
            }
        }
        return null;
    }

    /**
     * Reads the settings and decides, fail-closed, how callers are authenticated
     * (docs/security.md). With {@code grpc-connector=true} and an unusable configuration
     * (an invalid value, no credential, the insecure opt-in on a non-loopback address)
     * the connector is still installed, refusing every request with a SEVERE line that
     * says what to fix: the listener never serves the application unprotected.
     *
     * @param property a property of the {@code <http>} element as GlassFish resolves it
     * @param written the same as written in domain.xml (before {@code ${ALIAS=...}} is resolved)
     */
    void configure(ServiceLocator locator, String name, String address, Function<String, String> property,
            Function<String, String> written) {
        listenerName = name;
        if (!Boolean.parseBoolean(property.apply(ConnectorSettings.ENABLED))) {
            settings = ConnectorSettings.DISABLED;
            return;
        }
        try {
            settings = ConnectorSettings.from(property, written);
            authentication = authentication(settings, address);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.SEVERE, "gRPC connector on listener {0} refuses every request: {1}", new Object[] {name,
                e.getMessage()});
            settings = ConnectorSettings.from(n -> ConnectorSettings.ENABLED.equals(n) ? "true" : null);
            authentication = EdgeAuthentication.refuseAll("see the SEVERE line logged at start-up");
        }
        health = ServerHealth.get(locator);
        ServerHealth.drainAtLeast(settings.shutdownDrainSeconds());
    }

    private EdgeAuthentication authentication(ConnectorSettings settings, String address) {
        if (settings.tls() != null) {
            if (settings.insecure()) {
                throw new IllegalArgumentException(ConnectorSettings.INSECURE + "=true contradicts the configured TLS");
            }
            return EdgeAuthentication.requireClientCertificate(settings.tls().clientCertificates(), settings.secret());
        }
        if (settings.secret() != null) {
            if (settings.insecure()) {
                throw new IllegalArgumentException(ConnectorSettings.INSECURE + "=true contradicts the configured secret");
            }
            return EdgeAuthentication.requireSecret(settings.secret());
        }
        if (settings.insecure()) {
            if (!isLoopback(address)) {
                throw new IllegalArgumentException(ConnectorSettings.INSECURE + "=true is for development on a loopback "
                        + "address only, and this listener is bound to " + address + " (set its address to 127.0.0.1, "
                        + "or configure a secret)");
            }
            LOG.log(Level.WARNING, "gRPC connector on listener {0} is INSECURE ({1}=true): every caller that reaches {2} "
                    + "is trusted, with its X-Forwarded-* headers. For development only; configure a secret before "
                    + "anything else can reach this machine", new Object[] {listenerName, ConnectorSettings.INSECURE,
                        address});
            return EdgeAuthentication.insecureLoopback();
        }
        throw new IllegalArgumentException("no way to authenticate the edge (Envoy) is configured, and without one any "
                + "process that reaches the port could pose as Envoy. Configure a shared secret: asadmin "
                + "create-password-alias grpc-connector-secret, then set the <http> property " + ConnectorSettings.SECRET
                + "=${ALIAS=grpc-connector-secret} (or " + ConnectorSettings.SECRET + "-file=/path/to/file); "
                + "glassfish-config/install.sh --secret-file FILE does it for you. Or mutual TLS: the properties "
                + "grpc-connector-tls-keystore, grpc-connector-tls-keystore-password, grpc-connector-tls-truststore and "
                + "security-enabled=true on the protocol (install.sh --tls-keystore ... --tls-truststore ...). "
                + "For local development only: "
                + ConnectorSettings.INSECURE + "=true on a listener bound to 127.0.0.1. See docs/security.md");
    }

    private static MemoryBudget memoryBudget(ConnectorSettings settings) {
        return new MemoryBudget(settings.memoryBudgetBytes(), settings.maxUnaryResponseBytes());
    }

    private static boolean isLoopback(String address) {
        try {
            return address != null && InetAddress.getByName(address.trim()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public void setup(org.glassfish.grizzly.http.server.NetworkListener networkListener, FilterChainBuilder builder) {
        super.setup(networkListener, builder);
        if (!settings.enabled()) {
            return;
        }
        if (settings.tls() != null && !settings.tls().install(builder, new RefusalLog(LOG, listenerName))) {
            String fix = "grpc-connector-tls-keystore is set, but the protocol's security-enabled is false (set "
                    + "security-enabled=true on the listener's protocol; the connector then replaces GlassFish's TLS "
                    + "with its own)";
            LOG.log(Level.SEVERE, "gRPC connector on listener {0} refuses every request: {1}", new Object[] {listenerName, fix});
            authentication = EdgeAuthentication.refuseAll(fix);
        }
        int http2 = builder.indexOfType(Http2ServerFilter.class);
        int codec = builder.indexOfType(HttpServerFilter.class);
        if (http2 < 0 || codec < 0 || codec > http2) {
            String fix = "HTTP/2 is disabled there (set http2-enabled=true and do not use port unification)";
            if (codec < 0) {
                LOG.log(Level.SEVERE, "gRPC connector not installed on listener {0}: {1}", new Object[] {listenerName, fix});
                return;
            }
            // Still in the way of every request: the listener must not serve the application unprotected.
            LOG.log(Level.SEVERE, "gRPC connector on listener {0} refuses every request: {1}", new Object[] {listenerName, fix});
            builder.add(codec + 1, new HttpBodyCallFilter(listenerName, settings.maxMessageBytes(),
                    settings.trustedProxyHops(), settings.applicationThreads(), health, EdgeAuthentication.refuseAll(fix),
                    memoryBudget(settings), settings.callLimits(DEFAULT_MAX_STREAMS)));
            return;
        }
        Http2Configuration http2Settings = ((Http2ServerFilter) builder.get(http2)).getConfiguration();
        int headerListLimit = http2Settings.getMaxHeaderListSize();
        ConcurrentStreamLimit streams = new ConcurrentStreamLimit(listenerName,
                http2Settings.getMaxConcurrentStreams() > 0 ? http2Settings.getMaxConcurrentStreams() : DEFAULT_MAX_STREAMS);
        int grizzlyStreams = ConcurrentStreamLimit.grizzlyLimit(streams.limit());
        http2Settings.setMaxConcurrentStreams(grizzlyStreams);
        http2Settings.setStreamsHighWaterMark(ConcurrentStreamLimit.grizzlyHighWaterMark(grizzlyStreams));
        http2Settings.setMaxHeaderListSize(HeaderListCeilingFilter.grizzlyLimit(headerListLimit));
        CallLimits limits = settings.callLimits(streams.limit());
        HttpBodyCallFilter calls = new HttpBodyCallFilter(listenerName, settings.maxMessageBytes(), settings.trustedProxyHops(),
                settings.applicationThreads(), health, authentication, memoryBudget(settings), limits);
        // The chain, in order. Every [w] is the workaround of one Grizzly defect
        // (docs/upstream/grizzly-http2-defects.md, docs/architecture.md's workaround map):
        // the day Grizzly fixes the defect, its entry goes.
        // Below the HTTP/1 codec, where the connection's raw bytes pass both ways:
        List<Filter> rawBytes = List.of(
                new ConnectionWindowFilter(),        // [w] 5: connection window credited once per byte
                new ClientResetFilter(),             // [w] 7: a client's RST_STREAM cancels its call
                new PeerWindowFilter(),              //     window updates are progress for the idle timeout
                streams.inbound(),                   // [w] 10: marks the stream over the advertised limit
                new TruncatedHeadersScrubFilter());  // [w] 8: no stale "truncated" HEADERS frame
        // Right after Http2ServerFilter, where each stream is a request:
        List<Filter> requests = new ArrayList<>();
        if (FinishedStreamRelease.available()) {
            requests.add(new FinishedStreamRelease());        // [w] 12, 13: finished streams leave the map
        } else {
            LOG.log(Level.WARNING, "gRPC connector on listener {0}: this Grizzly is not the one the connector was built for ({1}); "
                    + "finished HTTP/2 streams stay in memory until their connection closes (Grizzly defect 12 in "
                    + "docs/upstream/grizzly-http2-defects.md): limit requests per connection at the edge",
                    new Object[] {listenerName, FinishedStreamRelease.unavailableReason()});
        }
        requests.add(streams.requests());                                       // [w] 10: RST_STREAM(REFUSED_STREAM)
        requests.add(new HeaderListCeilingFilter(listenerName, headerListLimit)); // [w] 9: the decoded list's limit
        requests.add(new HeaderTableSizeFilter());                              // [w] 1: clients never index headers
        requests.add(calls);
        requests.add(new TypedServiceFilter(listenerName, settings.maxMessageBytes(), calls.applicationThreads()));
        for (int i = 0; i < rawBytes.size(); i++) {
            builder.add(codec + i, rawBytes.get(i));
        }
        http2 += rawBytes.size();
        for (int i = 0; i < requests.size(); i++) {
            builder.add(http2 + 1 + i, requests.get(i));
        }
        LOG.log(Level.INFO, "gRPC connector installed on listener {0}: trusted proxy hops {1}, max message {2,number,#} bytes, "
                + "{3} application threads, callers authenticated by {4}{5}; memory budget {6,number,#} bytes, max unary "
                + "response {7,number,#} bytes", new Object[] {listenerName, settings.trustedProxyHops(),
                    settings.maxMessageBytes(), settings.applicationThreads(), authentication,
                    settings.tls() == null ? "" : "; " + settings.tls(), settings.memoryBudgetBytes(),
                    settings.maxUnaryResponseBytes()});
        LOG.log(Level.INFO, "gRPC connector on listener {0}: header lists up to {1,number,#} bytes (decoded), {2} concurrent "
                + "streams per connection (http2-max-header-list-size-in-bytes, http2-max-concurrent-streams); "
                + "stream idle timeout {3} s, at most {4} calls in flight per connection",
                new Object[] {listenerName, headerListLimit, streams.limit(),
                    java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(limits.idleTimeoutNanos()),
                    limits.maxCallsPerConnection()});
    }
}
