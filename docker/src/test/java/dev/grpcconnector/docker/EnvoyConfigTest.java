package dev.grpcconnector.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.accesslog.v3.ComparisonFilter;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.credential_injector.v3.CredentialInjector;
import io.envoyproxy.envoy.extensions.http.injected_credentials.generic.v3.Generic;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder;
import io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.http.stateful_session.v3.StatefulSession;
import io.envoyproxy.envoy.extensions.http.stateful_session.cookie.v3.CookieBasedSessionState;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import io.envoyproxy.envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validates {@code envoy/envoy.yaml} without an Envoy binary, against Envoy's own API
 * protos from {@code io.envoyproxy.controlplane:api:1.0.49}, and checks the parts of it
 * the connector relies on (the Envoy contract's facts are cited by number).
 *
 * <p>The file is written for Envoy v1.39 (the image docker-compose.yml pins). 1.0.49 is
 * the v1.34 API, the newest java-control-plane release the Maven mirror here serves
 * (1.0.52 to 1.0.55, the v1.39.0 API, do not resolve). Per the contract, the only change
 * to the transcoder's proto between the two is the added {@code stream_sse_style_delimited},
 * which this file does not use (it is irrelevant for HttpBody); a field added to another
 * message after v1.34 would be rejected here, so the file uses none.
 */
class EnvoyConfigTest {
    private static final String SERVICE = "grpcconnector.v1.HttpService";
    private static final String DEMO_SERVICE = "grpcconnector.demo.v1.DemoService";
    private static final String CLUSTER = "glassfish";

    private static String yaml;
    private static Bootstrap bootstrap;
    private static HttpConnectionManager hcm;

    @BeforeAll
    static void parse() throws IOException {
        yaml = Repository.read(Repository.ENVOY_YAML);
        bootstrap = EnvoyBootstrap.parse(yaml);
        hcm = EnvoyBootstrap.only(bootstrap, HttpConnectionManager.class);
    }

    @Test
    void everyTypedConfigUnpacksToAKnownType() throws InvalidProtocolBufferException {
        Set<Class<?>> types = EnvoyBootstrap.typedConfigs(bootstrap).stream()
                .map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(HttpConnectionManager.class, GrpcJsonTranscoder.class, Lua.class, Router.class,
                HealthCheck.class, StdoutAccessLog.class, HttpProtocolOptions.class,
                DownstreamConnectionsConfig.class, CredentialInjector.class, Generic.class, StatefulSession.class,
                CookieBasedSessionState.class), types);
    }

    @Test
    void lowerCaseEnumIsRejected() {
        // Contract V1: Envoy accepts "auto", the Java parser does not, so the file is
        // written in UPPER CASE and the validation catches a slip.
        String lower = replaceOnce(yaml, "codec_type: AUTO", "codec_type: auto");
        InvalidProtocolBufferException e =
                assertThrows(InvalidProtocolBufferException.class, () -> EnvoyBootstrap.parse(lower));
        assertTrue(e.getMessage().contains("auto"), e.getMessage());
    }

    @Test
    void misspelledFieldIsRejected() {
        String typo = replaceOnce(yaml, "capture_unknown_query_parameters: true",
                "capture_unknown_query_parameter: true");
        InvalidProtocolBufferException e =
                assertThrows(InvalidProtocolBufferException.class, () -> EnvoyBootstrap.parse(typo));
        assertTrue(e.getMessage().contains("capture_unknown_query_parameter"), e.getMessage());
    }

    @Test
    void listenerTakesBrowsersOnPort8080() {
        Listener listener = bootstrap.getStaticResources().getListeners(0);
        assertEquals(1, bootstrap.getStaticResources().getListenersCount());
        assertEquals("0.0.0.0", listener.getAddress().getSocketAddress().getAddress());
        assertEquals(8080, listener.getAddress().getSocketAddress().getPortValue());
        assertEquals(HttpConnectionManager.CodecType.AUTO, hcm.getCodecType());
        // The transcoder buffers the first response message under this limit (fact 19).
        assertTrue(listener.getPerConnectionBufferLimitBytes().getValue() >= 1 << 20);
    }

    @Test
    void filtersRunHealthCheckThenSessionAffinityThenLuaThenTranscoderThenCredentialThenRouter() {
        List<String> names = hcm.getHttpFiltersList().stream().map(HttpFilter::getName).toList();
        assertEquals(List.of("envoy.filters.http.health_check", "envoy.filters.http.stateful_session", "envoy.filters.http.lua",
                "envoy.filters.http.grpc_json_transcoder", "envoy.filters.http.credential_injector",
                "envoy.filters.http.router"), names);
    }

    /**
     * Every call upstream carries the connector listener's shared secret
     * (docs/security.md): a browser's own header is overwritten, a request without the
     * credential fails in Envoy, and the secret comes from a file, never from envoy.yaml.
     */
    @Test
    void everyUpstreamCallCarriesTheSharedSecretFromAFile() throws InvalidProtocolBufferException {
        CredentialInjector injector = EnvoyBootstrap.only(bootstrap, CredentialInjector.class);
        assertTrue(injector.getOverwrite(), "a browser's x-grpc-connector-secret must be replaced");
        assertFalse(injector.getAllowRequestWithoutCredential());
        Generic generic = injector.getCredential().getTypedConfig().unpack(Generic.class);
        assertEquals("x-grpc-connector-secret", generic.getHeader());
        assertFalse(generic.getCredential().hasSdsConfig(), "a static secret of this bootstrap");
        Secret secret = bootstrap.getStaticResources().getSecretsList().stream()
                .filter(s -> s.getName().equals(generic.getCredential().getName())).findFirst().orElseThrow();
        assertTrue(secret.getGenericSecret().getSecret().hasFilename(), "read from a file: " + secret);
        assertEquals("/run/secrets/grpc_connector_secret", secret.getGenericSecret().getSecret().getFilename());
    }

    @Test
    void luaStripsClientHeadersOnRequestAndMapsHttpCodeOnResponse() throws InvalidProtocolBufferException {
        String source = EnvoyBootstrap.only(bootstrap, Lua.class).getDefaultSourceCode().getInlineString();
        int response = source.indexOf("function envoy_on_response");
        int request = source.indexOf("function envoy_on_request");
        assertTrue(request >= 0 && response > request, source);
        String onRequest = source.substring(request, response);
        String onResponse = source.substring(response);
        // Before the transcoder appends its own (fact 3); the connector trusts them.
        for (String header : List.of("x-envoy-original-method", "x-envoy-original-path", "x-forwarded-host",
                "grpc-timeout", "grpc-encoding")) {
            assertTrue(onRequest.contains("headers:remove(\"" + header + "\")"), "not stripped: " + header);
        }
        assertTrue(onResponse.contains("headers:get(\"x-http-code\")"), onResponse);
        assertTrue(onResponse.contains("headers:remove(\"x-http-code\")"), onResponse);
        assertTrue(onResponse.contains("headers:replace(\":status\", code)"), onResponse);
        // Only a successful call's status is replaced: a mapped gRPC error stays (fact 16).
        assertTrue(onResponse.contains("headers:get(\":status\") == \"200\""), onResponse);
        // A bodyless response's own content headers (docs/envoy.md, "HEAD, 204 and 304").
        for (String header : List.of("x-http-content-type", "x-http-content-length")) {
            assertTrue(onResponse.contains("headers:remove(\"" + header + "\")"), "not consumed: " + header);
        }
    }

    @Test
    void noRouteLevelHeaderRemovalWouldStripTheTranscodersHeaders() {
        // The router applies request_headers_to_remove after the transcoder ran.
        RouteConfiguration routes = hcm.getRouteConfig();
        List<String> removed = new ArrayList<>(routes.getRequestHeadersToRemoveList());
        for (VirtualHost host : routes.getVirtualHostsList()) {
            removed.addAll(host.getRequestHeadersToRemoveList());
            host.getRoutesList().forEach(route -> removed.addAll(route.getRequestHeadersToRemoveList()));
        }
        assertFalse(removed.contains("x-envoy-original-method"), removed.toString());
        assertFalse(removed.contains("x-envoy-original-path"), removed.toString());
    }

    @Test
    void transcoderSendsEverythingToTheCatchAllOfTheBuiltDescriptorSet() throws IOException {
        GrpcJsonTranscoder transcoder = EnvoyBootstrap.only(bootstrap, GrpcJsonTranscoder.class);
        assertEquals("/etc/envoy/http_service.pb", transcoder.getProtoDescriptor());
        assertEquals(List.of(SERVICE, DEMO_SERVICE), transcoder.getServicesList());
        assertTrue(transcoder.getConvertGrpcStatus());
        assertTrue(transcoder.getCaptureUnknownQueryParameters());
        assertTrue(transcoder.getPrintOptions().getAlwaysPrintPrimitiveFields());
        assertFalse(transcoder.getMatchUnregisteredCustomVerb());
        assertTrue(transcoder.getMatchIncomingRequestRoute());
        assertFalse(transcoder.getAutoMapping());

        {
            ServiceDescriptorProto descriptor = service(SERVICE);
            MethodDescriptorProto stream = descriptor.getMethodList().stream()
                    .filter(m -> m.getName().equals("Stream")).findFirst().orElseThrow();
            assertTrue(stream.getClientStreaming() && stream.getServerStreaming());
            HttpRule rule = stream.getOptions().getExtension(AnnotationsProto.http);
            assertEquals("*", rule.getCustom().getKind());
            assertEquals("/**", rule.getCustom().getPath());
            assertEquals("*", rule.getBody());
            // Handle has no HTTP rule: the transcoder (auto_mapping off) never routes to it.
            descriptor.getMethodList().stream().filter(m -> !m.getName().equals("Stream"))
                    .forEach(m -> assertFalse(m.getOptions().hasExtension(AnnotationsProto.http), m.getName()));
        }
    }

    @Test
    void demoServiceAddIsTranscodedFromJsonPostedToApiV1Add() throws IOException {
        MethodDescriptorProto add = service(DEMO_SERVICE).getMethodList().stream()
                .filter(m -> m.getName().equals("Add")).findFirst().orElseThrow();
        assertFalse(add.getClientStreaming() || add.getServerStreaming());
        HttpRule rule = add.getOptions().getExtension(AnnotationsProto.http);
        assertEquals("/api/v1/add", rule.getPost());
        assertEquals("*", rule.getBody());
    }

    @Test
    void nativeGrpcCallsOfDemoServiceGoStraightThroughAndNothingElse() {
        List<Route> routes = hcm.getRouteConfig().getVirtualHosts(0).getRoutesList();
        List<Route> grpcRoutes = routes.stream().filter(r -> r.getMatch().hasGrpc()).toList();
        assertEquals(2, grpcRoutes.size(), grpcRoutes::toString);
        Route demo = grpcRoutes.get(0);
        assertEquals("/" + DEMO_SERVICE + "/", demo.getMatch().getPrefix());
        assertEquals(CLUSTER, demo.getRoute().getCluster());
        assertEquals(0, demo.getRoute().getTimeout().getSeconds(), "streams last as long as data flows");
        Route refuse = grpcRoutes.get(1);
        assertTrue(routes.indexOf(demo) < routes.indexOf(refuse));
        assertEquals("/", refuse.getMatch().getPrefix());
        assertEquals(404, refuse.getDirectResponse().getStatus(), "every other gRPC call, HttpService included");
    }

    @Test
    void directGrpcCallsGet404AndTheCatchAllComesLast() {
        RouteConfiguration config = hcm.getRouteConfig();
        assertEquals(1, config.getVirtualHostsCount());
        List<Route> routes = config.getVirtualHosts(0).getRoutesList();
        Route last = routes.get(routes.size() - 1);
        assertEquals("/", last.getMatch().getPrefix());
        assertFalse(last.getMatch().hasGrpc());
        assertTrue(last.getMatch().getHeadersList().isEmpty());
        assertEquals(CLUSTER, last.getRoute().getCluster());
        // No 15 s default: streams and SSE last as long as data flows (fact 4).
        assertTrue(last.getRoute().hasTimeout());
        assertEquals(0, last.getRoute().getTimeout().getSeconds());
        assertEquals(0, last.getRoute().getTimeout().getNanos());

        Route grpc = routes.stream().filter(r -> r.getMatch().hasGrpc() && r.hasDirectResponse()).findFirst()
                .orElseThrow();
        assertTrue(routes.indexOf(grpc) < routes.size() - 1);
        assertEquals("/", grpc.getMatch().getPrefix());
        assertTrue(grpc.hasDirectResponse());
        assertEquals(404, grpc.getDirectResponse().getStatus());
    }

    @Test
    void healthEndpointIsAnsweredByEnvoyFromTheClustersHealth() throws InvalidProtocolBufferException {
        HealthCheck health = EnvoyBootstrap.only(bootstrap, HealthCheck.class);
        assertTrue(health.hasPassThroughMode());
        assertFalse(health.getPassThroughMode().getValue());
        assertEquals(":path", health.getHeaders(0).getName());
        assertEquals("/health", health.getHeaders(0).getStringMatch().getExact());
        assertTrue(health.getClusterMinHealthyPercentagesMap().containsKey(CLUSTER));
    }

    @Test
    void clusterTalksHttp2ToTheConnectorsListenerAndChecksItsHealth() throws InvalidProtocolBufferException {
        Cluster cluster = cluster();
        SocketAddress address = cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0)
                .getEndpoint().getAddress().getSocketAddress();
        assertEquals(Repository.installDefault("LISTEN_PORT"), address.getPortValue());

        HttpProtocolOptions options = EnvoyBootstrap.only(cluster, HttpProtocolOptions.class);
        assertTrue(options.getExplicitHttpConfig().hasHttp2ProtocolOptions());
        // Envoy closes idle upstream connections before GlassFish does (configuration.md).
        long idle = options.getCommonHttpProtocolOptions().getIdleTimeout().getSeconds();
        assertTrue(idle > 0 && idle < Repository.installDefault("IDLE_TIMEOUT"), "idle_timeout " + idle);

        assertEquals(1, cluster.getHealthChecksCount());
        assertEquals(SERVICE, cluster.getHealthChecks(0).getGrpcHealthCheck().getServiceName());
    }

    /**
     * Envoy never opens as many streams on one upstream connection as the listener allows
     * (grizzly#2304 turns the stream over GlassFish's limit into a GOAWAY), and the windows
     * are Envoy 1.36's defaults written out (docs/envoy.md).
     */
    @Test
    void clusterStaysBelowTheListenersStreamLimitWithEnvoysDefaultWindows() throws InvalidProtocolBufferException {
        HttpProtocolOptions options = EnvoyBootstrap.only(cluster(), HttpProtocolOptions.class);
        var http2 = options.getExplicitHttpConfig().getHttp2ProtocolOptions();
        long streams = http2.getMaxConcurrentStreams().getValue();
        assertTrue(streams > 0 && streams < Repository.installDefault("MAX_CONCURRENT_STREAMS"),
                "cluster max_concurrent_streams " + streams + " below install.sh's --max-concurrent-streams");
        assertEquals(1024, streams);
        assertEquals(16 * 1024 * 1024, http2.getInitialStreamWindowSize().getValue());
        assertEquals(24 * 1024 * 1024, http2.getInitialConnectionWindowSize().getValue());
        assertTrue(Repository.installDefault("MAX_HEADER_LIST_BYTES") > 60 * 1024,
                "the listener takes the 60 KiB header lists Envoy forwards by default");
        assertFalse(hcm.hasMaxRequestHeadersKb(), "Envoy's default of 60 KiB");
        long headers = hcm.getCommonHttpProtocolOptions().getMaxHeadersCount().getValue();
        assertTrue(headers > 0 && headers + 12 < 100, "browser headers plus Envoy's stay below Grizzly's 100: " + headers);
    }

    @Test
    void clientAddressMatchesTheConnectorsTrustedHops() {
        // Envoy appends the client's address; the connector's N trusted hops take the N-th
        // entry from the right, so Envoy trusts N - 1 hops in front of it.
        assertTrue(hcm.getUseRemoteAddress().getValue());
        assertEquals(Repository.installDefault("TRUSTED_HOPS") - 1, hcm.getXffNumTrustedHops());
    }

    @Test
    void localRepliesAreJsonGoogleRpcStatus() {
        List<SubstitutionFormatString> formats = new ArrayList<>();
        formats.add(hcm.getLocalReplyConfig().getBodyFormat());
        hcm.getLocalReplyConfig().getMappersList().forEach(m -> formats.add(m.getBodyFormatOverride()));
        assertNotEquals(1, formats.size());
        for (SubstitutionFormatString format : formats) {
            assertEquals("application/json", format.getContentType());
            Struct json = format.getJsonFormat();
            assertEquals(Set.of("code", "message"), json.getFieldsMap().keySet());
            double code = json.getFieldsOrThrow("code").getNumberValue();
            assertTrue(code >= 0 && code <= 16 && code == Math.rint(code), "gRPC code " + code);
            assertEquals("%LOCAL_REPLY_BODY%", json.getFieldsOrThrow("message").getStringValue());
        }
        assertEquals(2, (int) hcm.getLocalReplyConfig().getBodyFormat().getJsonFormat()
                .getFieldsOrThrow("code").getNumberValue(), "UNKNOWN for unmapped statuses");
    }

    @Test
    void localReplyCodeIsTheGrpcCodeTheTranscoderMapsToThatStatus() {
        // Contract fact 13: the transcoder's gRPC code -> HTTP status mapping.
        int[] httpStatusOfGrpcCode = {200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401};
        for (ResponseMapper mapper : hcm.getLocalReplyConfig().getMappersList()) {
            ComparisonFilter comparison = mapper.getFilter().getStatusCodeFilter().getComparison();
            assertEquals(ComparisonFilter.Op.EQ, comparison.getOp());
            int status = comparison.getValue().getDefaultValue();
            int code = (int) mapper.getBodyFormatOverride().getJsonFormat().getFieldsOrThrow("code").getNumberValue();
            assertEquals(status, httpStatusOfGrpcCode[code], "gRPC code " + code + " for HTTP " + status);
        }
    }

    /**
     * Issue 14, item 4: sessions stick to the instance that served the browser's first
     * response (a session cookie of Envoy's, named apart from JSESSIONID), but only while
     * that instance is healthy: a draining instance (health NOT_SERVING, so UNHEALTHY) or
     * one ejected by outlier detection is not overridden to.
     */
    @Test
    void sessionsStickToAHealthyInstanceByEnvoysCookie() throws InvalidProtocolBufferException {
        CookieBasedSessionState state = EnvoyBootstrap.only(bootstrap, CookieBasedSessionState.class);
        assertEquals("glassfish-instance", state.getCookie().getName());
        assertEquals("/", state.getCookie().getPath());
        assertEquals(0, state.getCookie().getTtl().getSeconds(), "a browser-session cookie, as JSESSIONID is");
        assertFalse(EnvoyBootstrap.only(bootstrap, StatefulSession.class).getStrict(),
                "strict mode would answer 503 instead of moving a session off a drained instance");
        List<io.envoyproxy.envoy.config.core.v3.HealthStatus> allowed =
                cluster().getCommonLbConfig().getOverrideHostStatus().getStatusesList();
        assertEquals(List.of(io.envoyproxy.envoy.config.core.v3.HealthStatus.UNKNOWN,
                io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY,
                io.envoyproxy.envoy.config.core.v3.HealthStatus.DEGRADED), allowed);
    }

    /**
     * A host is ejected for connection-level failures, at most half of them; the drain in
     * the image (install.sh --drain-seconds in docker/glassfish/Dockerfile) outlasts the
     * time the health check needs to see NOT_SERVING.
     */
    @Test
    void failingHostsAreEjectedAndADrainOutlastsTheHealthCheck() throws IOException {
        Cluster cluster = cluster();
        assertEquals(Cluster.DiscoveryType.STRICT_DNS, cluster.getType(), "every replica the name resolves to is a host");
        assertTrue(cluster.hasOutlierDetection());
        assertEquals(3, cluster.getOutlierDetection().getConsecutiveGatewayFailure().getValue());
        assertEquals(100, cluster.getOutlierDetection().getEnforcingConsecutiveGatewayFailure().getValue());
        assertEquals(50, cluster.getOutlierDetection().getMaxEjectionPercent().getValue());
        var check = cluster.getHealthChecks(0);
        long noticeSeconds = check.getInterval().getSeconds() * check.getUnhealthyThreshold().getValue()
                + check.getTimeout().getSeconds();
        String dockerfile = Files.readString(Repository.ROOT.resolve("docker/glassfish/Dockerfile"));
        java.util.regex.Matcher drain = java.util.regex.Pattern.compile("--drain-seconds (\\d+)").matcher(dockerfile);
        assertTrue(drain.find(), "the image sets no drain");
        assertTrue(Integer.parseInt(drain.group(1)) > noticeSeconds,
                "drain " + drain.group(1) + " s, the health check needs up to " + noticeSeconds + " s to see NOT_SERVING");
    }

    private static Cluster cluster() {
        return bootstrap.getStaticResources().getClustersList().stream()
                .filter(c -> c.getName().equals(CLUSTER)).findFirst().orElseThrow();
    }

    private static ServiceDescriptorProto service(String fullName) throws IOException {
        ExtensionRegistry extensions = ExtensionRegistry.newInstance();
        AnnotationsProto.registerAllExtensions(extensions);
        FileDescriptorSet set = FileDescriptorSet.parseFrom(Files.readAllBytes(Repository.DESCRIPTOR_SET), extensions);
        return set.getFileList().stream()
                .flatMap(file -> file.getServiceList().stream()
                        .filter(s -> (file.getPackage() + "." + s.getName()).equals(fullName)))
                .findFirst()
                .orElseThrow(() -> new AssertionError(fullName + " is not in " + Repository.DESCRIPTOR_SET));
    }

    private static String replaceOnce(String text, String from, String to) {
        assertEquals(text.indexOf(from), text.lastIndexOf(from), "not exactly once: " + from);
        assertTrue(text.contains(from), "missing: " + from);
        return text.replace(from, to);
    }

}
