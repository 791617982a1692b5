package dev.grpcconnector.grizzly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpBodyCallFilter#isGrpcContentType} and {@link HttpBodyCallFilter#classify}. */
class HttpBodyCallFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"application/grpc", "application/grpc+proto", "application/grpc;x=y", "APPLICATION/GRPC",
        "Application/Grpc+json", "application/grpc; charset=utf-8"})
    void grpcContentTypes(String contentType) {
        assertTrue(HttpBodyCallFilter.isGrpcContentType(contentType));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"application/grpc-web", "application/grpc-web-text", "text/plain", "", "application/grp",
        "application/grpcx", "application/json", " application/grpc", "xapplication/grpc"})
    void otherContentTypes(String contentType) {
        assertFalse(HttpBodyCallFilter.isGrpcContentType(contentType));
    }

    private static HttpRequestPacket request(Protocol protocol, Method method, String path, String contentType) {
        HttpRequestPacket.Builder builder = HttpRequestPacket.builder().protocol(protocol).method(method).uri(path);
        if (contentType != null) {
            builder.header("content-type", contentType);
        }
        return builder.build();
    }

    private static HttpBodyCall.Kind classify(String path) {
        return HttpBodyCallFilter.classify(request(Protocol.HTTP_2_0, Method.POST, path, "application/grpc"));
    }

    @Test
    void classifiesTheConnectorsMethods() {
        assertEquals(HttpBodyCall.Kind.HANDLE, classify("/grpcconnector.v1.HttpService/Handle"));
        assertEquals(HttpBodyCall.Kind.STREAM, classify("/grpcconnector.v1.HttpService/Stream"));
        assertEquals(HttpBodyCall.Kind.HEALTH_CHECK, classify("/grpc.health.v1.Health/Check"));
        assertEquals(HttpBodyCall.Kind.UNIMPLEMENTED, classify("/grpc.health.v1.Health/Watch"));
        assertEquals(HttpBodyCall.Kind.UNIMPLEMENTED, classify("/grpcconnector.v1.HttpService/Other"));
        assertEquals(HttpBodyCall.Kind.UNIMPLEMENTED, classify("/grpcconnector.v1.HttpService/handle"));
    }

    @Test
    void pathsMatchTheGeneratedServiceDescriptors() {
        assertEquals("/" + io.grpc.health.v1.HealthGrpc.getCheckMethod().getFullMethodName(),
                "/grpc.health.v1.Health/Check");
        assertEquals("/grpcconnector.v1.HttpService/",
                "/" + dev.grpcconnector.proto.v1.HttpServiceGrpc.SERVICE_NAME + "/");
        assertEquals(HttpBodyCallFilter.HANDLE_PATH,
                "/" + dev.grpcconnector.proto.v1.HttpServiceGrpc.getHandleMethod().getFullMethodName());
        assertEquals(HttpBodyCallFilter.STREAM_PATH,
                "/" + dev.grpcconnector.proto.v1.HttpServiceGrpc.getStreamMethod().getFullMethodName());
    }

    @Test
    void leavesOtherServicesAndPathsAlone() {
        assertNull(classify("/other.Service/Method"));
        assertNull(classify("/"));
        assertNull(classify("/grpcconnector.v1.HttpService"));
        assertNull(classify("/index.html"));
    }

    @Test
    void leavesNonGrpcRequestsAlone() {
        String handle = "/grpcconnector.v1.HttpService/Handle";
        assertNull(HttpBodyCallFilter.classify(request(Protocol.HTTP_1_1, Method.POST, handle, "application/grpc")));
        assertNull(HttpBodyCallFilter.classify(request(Protocol.HTTP_2_0, Method.GET, handle, "application/grpc")));
        assertNull(HttpBodyCallFilter.classify(request(Protocol.HTTP_2_0, Method.PUT, handle, "application/grpc")));
        assertNull(HttpBodyCallFilter.classify(request(Protocol.HTTP_2_0, Method.POST, handle, "application/json")));
        assertNull(HttpBodyCallFilter.classify(request(Protocol.HTTP_2_0, Method.POST, handle, "application/grpc-web")));
        assertNull(HttpBodyCallFilter.classify(request(Protocol.HTTP_2_0, Method.POST, handle, null)));
        assertEquals(HttpBodyCall.Kind.HANDLE,
                HttpBodyCallFilter.classify(request(Protocol.HTTP_2_0, Method.POST, handle, "application/grpc+proto")));
    }
}
