package dev.grpcconnector.glassfish;

import dev.grpcconnector.grizzly.ClientResetFilter;
import dev.grpcconnector.grizzly.ConnectionWindowFilter;
import dev.grpcconnector.grizzly.HeaderTableSizeFilter;
import dev.grpcconnector.grizzly.HttpBodyCallFilter;
import dev.grpcconnector.health.HealthService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.comet.CometAddOn;
import org.glassfish.grizzly.config.ConfigAwareElement;
import org.glassfish.grizzly.config.dom.Http;
import org.glassfish.grizzly.config.dom.NetworkListener;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http2.Http2ServerFilter;
import org.glassfish.hk2.api.PerLookup;
import org.glassfish.hk2.api.Rank;
import org.glassfish.hk2.api.ServiceLocator;
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
 * <p>Where the property is set it inserts {@link ConnectionWindowFilter} and
 * {@link ClientResetFilter} right below the HTTP/1 codec ({@code HttpServerFilter}, which
 * is below {@code Http2ServerFilter}), where the connection's raw bytes pass, and
 * {@link HeaderTableSizeFilter} and {@link HttpBodyCallFilter} right after
 * {@code Http2ServerFilter}, where each HTTP/2 stream is a request:
 *
 * <pre>
 * Transport → IdleTimeout → ConnectionWindowFilter → ClientResetFilter → HTTP/1 codec
 *     → Http2ServerFilter → HeaderTableSizeFilter → HttpBodyCallFilter → … → web container
 * </pre>
 * GlassFish calls
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

    private ConnectorSettings settings = new ConnectorSettings(false, 0, 0, 0, 0);
    private String listenerName = "?";
    private HealthService health;

    @Override
    public void configure(ServiceLocator locator, NetworkListener listener, Http http) {
        listenerName = listener.getName();
        try {
            settings = ConnectorSettings.from(http::getPropertyValue);
        } catch (IllegalArgumentException e) {
            // A typo in one property must not stop GlassFish: this listener runs without
            // the connector, and the log says why.
            LOG.log(Level.SEVERE, "gRPC connector not installed on listener {0}: {1}", new Object[] {listenerName, e.getMessage()});
            settings = new ConnectorSettings(false, 0, 0, 0, 0);
        }
        if (settings.enabled()) {
            health = ServerHealth.get(locator);
            ServerHealth.drainAtLeast(settings.shutdownDrainSeconds());
        }
    }

    @Override
    public void setup(org.glassfish.grizzly.http.server.NetworkListener networkListener, FilterChainBuilder builder) {
        super.setup(networkListener, builder);
        if (!settings.enabled()) {
            return;
        }
        int http2 = builder.indexOfType(Http2ServerFilter.class);
        int codec = builder.indexOfType(HttpServerFilter.class);
        if (http2 < 0 || codec < 0 || codec > http2) {
            LOG.log(Level.WARNING, "gRPC connector not installed on listener {0}: HTTP/2 is disabled there "
                    + "(set http2-enabled=true and do not use port unification)", listenerName);
            return;
        }
        // Below the HTTP/1 codec, where the connection's raw bytes pass both ways.
        builder.add(codec, new ConnectionWindowFilter());
        builder.add(codec + 1, new ClientResetFilter());
        http2 += 2;
        builder.add(http2 + 1, new HeaderTableSizeFilter());
        builder.add(http2 + 2, new HttpBodyCallFilter(listenerName, settings.maxMessageBytes(), settings.trustedProxyHops(),
                settings.applicationThreads(), health));
        LOG.log(Level.INFO, "gRPC connector installed on listener {0}: trusted proxy hops {1}, max message {2,number,#} bytes, "
                + "{3} application threads", new Object[] {listenerName, settings.trustedProxyHops(), settings.maxMessageBytes(),
                    settings.applicationThreads()});
    }
}
