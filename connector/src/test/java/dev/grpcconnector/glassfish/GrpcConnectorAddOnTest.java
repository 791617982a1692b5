package dev.grpcconnector.glassfish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.grizzly.workaround.ClientResetFilter;
import dev.grpcconnector.grizzly.workaround.ConnectionWindowFilter;
import dev.grpcconnector.grizzly.workaround.HeaderTableSizeFilter;
import dev.grpcconnector.grizzly.HttpBodyCallFilter;
import dev.grpcconnector.grizzly.PeerWindowFilter;
import dev.grpcconnector.grizzly.workaround.ConcurrentStreamLimit;
import dev.grpcconnector.grizzly.workaround.FinishedStreamRelease;
import dev.grpcconnector.grizzly.workaround.HeaderListCeilingFilter;
import dev.grpcconnector.grizzly.workaround.TruncatedHeadersScrubFilter;
import dev.grpcconnector.security.KeytoolStores;
import dev.grpcconnector.services.TypedServiceFilter;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.glassfish.grizzly.ssl.SSLBaseFilter;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.junit.jupiter.api.io.TempDir;
import java.util.Map;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http2.Http2Configuration;
import org.glassfish.grizzly.http2.Http2ServerFilter;
import org.glassfish.hk2.api.ServiceLocator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Where the add-on puts the connector, and that it changes nothing where it is not asked to. */
class GrpcConnectorAddOnTest {
    /** Stands for GlassFish's HttpServerFilter, which runs the web container. */
    private static final class WebContainerFilter extends BaseFilter {
    }

    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answers.get(method.getName())));
    }

    private static FilterChainBuilder configured(Map<String, String> properties) {
        return configured("127.0.0.1", properties);
    }

    private static FilterChainBuilder configured(String address, Map<String, String> properties) {
        GrpcConnectorAddOn addOn = new GrpcConnectorAddOn();
        addOn.configure(stub(ServiceLocator.class, Map.of()), "grpc-listener", address, properties::get, properties::get);
        FilterChainBuilder builder = FilterChainBuilder.stateless()
                .add(new TransportFilter())
                .add(new HttpServerFilter())
                .add(new Http2ServerFilter(Http2Configuration.builder().build()))
                .add(new WebContainerFilter());
        addOn.setup(null, builder);
        return builder;
    }

    @Test
    void installsTheFrameFiltersBelowTheCodecAndTheCallFiltersRightAfterHttp2ServerFilter() {
        FilterChain chain = configured(Map.of("grpc-connector", "true", "grpc-connector-insecure", "true")).build();
        assertEquals(List.of(TransportFilter.class, ConnectionWindowFilter.class, ClientResetFilter.class,
                PeerWindowFilter.class, ConcurrentStreamLimit.Inbound.class, TruncatedHeadersScrubFilter.class,
                HttpServerFilter.class, Http2ServerFilter.class, FinishedStreamRelease.class,
                ConcurrentStreamLimit.Requests.class, HeaderListCeilingFilter.class,
                HeaderTableSizeFilter.class, HttpBodyCallFilter.class, TypedServiceFilter.class, WebContainerFilter.class),
                types(chain));
    }

    @Test
    void grizzlysOwnLimitsAreSetOutOfReachOfTheAdvertisedOnes() {
        FilterChain chain = configured(Map.of("grpc-connector", "true", "grpc-connector-insecure", "true")).build();
        Http2ServerFilter http2 = (Http2ServerFilter) chain.get(chain.indexOfType(Http2ServerFilter.class));
        assertEquals(ConcurrentStreamLimit.grizzlyLimit(100), http2.getConfiguration().getMaxConcurrentStreams());
        assertEquals(200, ConcurrentStreamLimit.grizzlyLimit(100));
        // Grizzly keeps limit x high-water mark closed streams per connection: 50, as at GlassFish's default.
        assertEquals(50, Math.round(200 * http2.getConfiguration().getStreamsHighWaterMark()));
        assertEquals(50, Math.round(4096 * ConcurrentStreamLimit.grizzlyHighWaterMark(4096)));
        assertEquals(4 * Http2Configuration.builder().build().getMaxHeaderListSize(),
                http2.getConfiguration().getMaxHeaderListSize());
    }

    private static List<Class<?>> types(FilterChain chain) {
        List<Class<?>> types = new ArrayList<>();
        chain.forEach(f -> types.add(f.getClass()));
        return types;
    }

    @Test
    void withoutThePropertyTheChainIsTheStockOne() {
        assertEquals(4, configured(Map.of()).build().size());
        assertEquals(4, configured(Map.of("grpc-connector", "false")).build().size());
    }

    /**
     * Fail closed: a listener that asked for the connector but cannot be served safely
     * still gets its filter, which then refuses every request (the behaviour is
     * UnauthenticatedIT's), instead of the application answering unprotected.
     */
    @ParameterizedTest
    @MethodSource("unusableConfigurations")
    void anUnusableConfigurationLeavesTheListenerRefusingInsteadOfOpen(String address, Map<String, String> properties) {
        FilterChain chain = configured(address, properties).build();
        assertEquals(15, chain.size());
        assertInstanceOf(HttpBodyCallFilter.class, chain.get(12));
    }

    static Stream<Arguments> unusableConfigurations() {
        return Stream.of(
                Arguments.of("127.0.0.1", Map.of("grpc-connector", "true", "grpc-connector-insecure", "true",
                        "grpc-connector-max-message-bytes", "abc")),
                Arguments.of("127.0.0.1", Map.of("grpc-connector", "true")),
                Arguments.of("0.0.0.0", Map.of("grpc-connector", "true", "grpc-connector-insecure", "true")),
                Arguments.of("192.0.2.1", Map.of("grpc-connector", "true", "grpc-connector-insecure", "true")),
                Arguments.of("127.0.0.1", Map.of("grpc-connector", "true", "grpc-connector-secret", "plain-text-secret-000")),
                Arguments.of("0.0.0.0", Map.of("grpc-connector", "true", "grpc-connector-tls-keystore", "/no/such.p12")),
                Arguments.of("0.0.0.0", Map.of("grpc-connector", "true", "grpc-connector-tls-truststore", "/no/such.p12")),
                Arguments.of("0.0.0.0", Map.of("grpc-connector", "true", "grpc-connector-allowed-client-identities",
                        "spiffe://example.org/edge")),
                Arguments.of("127.0.0.1", Map.of("grpc-connector", "true", "grpc-connector-insecure", "true",
                        "grpc-connector-stream-idle-timeout-seconds", "0")));
    }

    @Test
    void withoutHttp2TheConnectorIsNotInstalled() {
        GrpcConnectorAddOn addOn = new GrpcConnectorAddOn();
        Map<String, String> properties = Map.of("grpc-connector", "true", "grpc-connector-insecure", "true");
        addOn.configure(stub(ServiceLocator.class, Map.of()), "l", "127.0.0.1", properties::get, properties::get);
        FilterChainBuilder builder = FilterChainBuilder.stateless().add(new TransportFilter()).add(new WebContainerFilter());
        addOn.setup(null, builder);
        assertEquals(2, builder.build().size());
    }

    /** Mutual TLS: GlassFish's TLS filter is replaced by the connector's; the rest of the chain is as without TLS. */
    @Test
    void withTlsTheConnectorsOwnTlsFilterReplacesGlassFishs(@TempDir Path dir) {
        FilterChain chain = configuredTls(dir, true).build();
        assertEquals(16, chain.size());
        assertInstanceOf(TransportFilter.class, chain.get(0));
        SSLBaseFilter tls = assertInstanceOf(SSLBaseFilter.class, chain.get(1));
        assertTrue(tls.getServerSSLEngineConfigurator().isNeedClientAuth(), "client certificates are required");
        assertInstanceOf(ConnectionWindowFilter.class, chain.get(2), "the raw-byte filters see decrypted bytes");
        assertInstanceOf(HttpBodyCallFilter.class, chain.get(13));
        assertInstanceOf(TypedServiceFilter.class, chain.get(14));
    }

    /** TLS properties on a protocol without security-enabled: the listener refuses every request, with a SEVERE line. */
    @Test
    void tlsPropertiesWithoutSecurityEnabledRefuseEverything(@TempDir Path dir) {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(GrpcConnectorAddOn.class.getName());
        log.addHandler(handler);
        try {
            FilterChain chain = configuredTls(dir, false).build();
            assertInstanceOf(HttpBodyCallFilter.class, chain.get(12));
        } finally {
            log.removeHandler(handler);
        }
        assertTrue(records.stream().anyMatch(r -> r.getLevel() == Level.SEVERE && java.text.MessageFormat.format(
                r.getMessage(), r.getParameters()).contains("refuses every request: grpc-connector-tls-keystore is set, "
                        + "but the protocol's security-enabled is false")), records::toString);
    }

    private static FilterChainBuilder configuredTls(Path dir, boolean securityEnabled) {
        KeytoolStores stores = KeytoolStores.in(dir);
        Path password = dir.resolve("password");
        try {
            Files.writeString(password, KeytoolStores.PASSWORD + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> properties = Map.of("grpc-connector", "true",
                "grpc-connector-tls-keystore", stores.keystore().toString(),
                "grpc-connector-tls-keystore-password-file", password.toString(),
                "grpc-connector-tls-truststore", stores.truststore().toString(),
                "grpc-connector-tls-truststore-password-file", password.toString());
        GrpcConnectorAddOn addOn = new GrpcConnectorAddOn();
        addOn.configure(stub(ServiceLocator.class, Map.of()), "grpc-listener", "0.0.0.0", properties::get, properties::get);
        FilterChainBuilder builder = FilterChainBuilder.stateless().add(new TransportFilter());
        if (securityEnabled) {
            builder.add(new SSLBaseFilter(new SSLEngineConfigurator(defaultContext()), false));
        }
        builder.add(new HttpServerFilter()).add(new Http2ServerFilter(Http2Configuration.builder().build()))
                .add(new WebContainerFilter());
        addOn.setup(null, builder);
        return builder;
    }

    private static javax.net.ssl.SSLContext defaultContext() {
        try {
            return javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
