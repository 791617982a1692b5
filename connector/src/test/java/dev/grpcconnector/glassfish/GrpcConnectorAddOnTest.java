package dev.grpcconnector.glassfish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.grpcconnector.grizzly.ClientResetFilter;
import dev.grpcconnector.grizzly.ConnectionWindowFilter;
import dev.grpcconnector.grizzly.HeaderTableSizeFilter;
import dev.grpcconnector.grizzly.HttpBodyCallFilter;
import dev.grpcconnector.grizzly.PeerWindowFilter;
import java.lang.reflect.Proxy;
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
        assertEquals(9, chain.size());
        assertInstanceOf(TransportFilter.class, chain.get(0));
        assertInstanceOf(ConnectionWindowFilter.class, chain.get(1));
        assertInstanceOf(ClientResetFilter.class, chain.get(2));
        assertInstanceOf(PeerWindowFilter.class, chain.get(3));
        assertInstanceOf(HttpServerFilter.class, chain.get(4));
        assertInstanceOf(Http2ServerFilter.class, chain.get(5));
        assertInstanceOf(HeaderTableSizeFilter.class, chain.get(6));
        assertInstanceOf(HttpBodyCallFilter.class, chain.get(7));
        assertInstanceOf(WebContainerFilter.class, chain.get(8));
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
        assertEquals(9, chain.size());
        assertInstanceOf(HttpBodyCallFilter.class, chain.get(7));
    }

    static Stream<Arguments> unusableConfigurations() {
        return Stream.of(
                Arguments.of("127.0.0.1", Map.of("grpc-connector", "true", "grpc-connector-insecure", "true",
                        "grpc-connector-max-message-bytes", "abc")),
                Arguments.of("127.0.0.1", Map.of("grpc-connector", "true")),
                Arguments.of("0.0.0.0", Map.of("grpc-connector", "true", "grpc-connector-insecure", "true")),
                Arguments.of("192.0.2.1", Map.of("grpc-connector", "true", "grpc-connector-insecure", "true")),
                Arguments.of("127.0.0.1", Map.of("grpc-connector", "true", "grpc-connector-secret", "plain-text-secret-000")),
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
}
