package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The request length the application sees. Envoy removes the browser's Content-Length, so
 * the connector restores it from what it knows: the length of a body that arrived whole
 * (Handle, or a Stream whose body came with its first delivery), none for a request
 * without a body (as a browser's GET has none), and "unknown" for a body still streaming
 * in, which the application then reads to its end (StreamDifferentialIT's form POSTs
 * need that case parsed).
 */
class RequestLengthIT extends ConnectorTestBase {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> headersSeen(Map<String, Object> echo) {
        return (Map<String, Object>) echo.get("headers");
    }

    @Test
    void getWithoutBodyHasNoContentLengthAsDirectly() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo")).json();
        assertEquals("-1", String.valueOf(echo.get("contentLength")), echo::toString);
        assertFalse(headersSeen(echo).containsKey("content-length"), echo::toString);
    }

    @Test
    void wholeBodyHasItsLength() {
        Map<String, Object> echo = callExpecting(200, Request.of("POST", "/app/echo").body("text/plain", "hello")).json();
        assertEquals("5", String.valueOf(echo.get("contentLength")), echo::toString);
        assertEquals("[5]", String.valueOf(headersSeen(echo).get("content-length")), echo::toString);
    }

    @Test
    void bodyInSeveralMessagesIsReadToTheEnd() {
        Request request = Request.of("POST", "/app/echo").body("text/plain", "");
        HttpBodyClient.StreamCall call = new HttpBodyClient.StreamCall();
        io.grpc.stub.StreamObserver<HttpBody> requests = HttpServiceGrpc.newStub(grpc.channel())
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(request.metadata()),
                        MetadataUtils.newCaptureMetadataInterceptor(call.headers, call.trailers))
                .stream(call);
        requests.onNext(HttpBody.newBuilder().setContentType("text/plain").setData(ByteString.copyFromUtf8("part one, ")).build());
        requests.onNext(HttpBody.newBuilder().setData(ByteString.copyFromUtf8("part two")).build());
        requests.onCompleted();
        HttpBodyClient.StreamResponse r = call.await(60);
        assertTrue(r.ok(), r::toString);
        Map<String, Object> echo = MiniJson.object(new String(r.data(), StandardCharsets.UTF_8));
        assertEquals("part one, part two", echo.get("bodyText"), echo::toString);
        // Whether the length is known depends on how the messages were delivered: when the
        // client's two messages and its half-close arrive together, it is; else it is not.
        Object length = headersSeen(echo).get("content-length");
        assertTrue(length == null || "[18]".equals(String.valueOf(length)), echo::toString);
    }
}
