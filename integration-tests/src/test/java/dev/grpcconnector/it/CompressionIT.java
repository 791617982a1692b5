package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Request compression: messages a client compresses with {@code grpc-encoding: gzip} reach
 * the application decompressed; any other encoding is refused with UNIMPLEMENTED and the
 * accepted list; responses are never compressed, even when the client would accept gzip
 * (grpc-java always sends {@code grpc-accept-encoding: gzip}), because Envoy's transcoder
 * cannot read compressed messages.
 */
class CompressionIT extends ConnectorTestBase {
    private static final Metadata.Key<String> GRPC_ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

    private static byte[] compressibleBody() {
        byte[] body = new byte[200_000];
        new Random(5).nextBytes(body);
        for (int i = 0; i < body.length; i += 2) {
            body[i] = 'x';
        }
        return body;
    }

    @Test
    void gzipRequestOnHandleReachesTheApplicationDecompressed() {
        byte[] body = compressibleBody();
        Request request = Request.of("POST", "/app/upload").body("application/octet-stream", body);
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        HttpBody reply = HttpServiceGrpc.newBlockingStub(grpc.channel())
                .withCompression("gzip")
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(request.metadata()),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .handle(request.message());
        Map<String, Object> seen = MiniJson.object(reply.getData().toStringUtf8());
        assertEquals(String.valueOf(body.length), String.valueOf(seen.get("length")), seen::toString);
        assertEquals(sha256(body), seen.get("sha256"), seen::toString);
        assertEquals("200", headers.get().get(HttpBodyClient.X_HTTP_CODE));
        assertNull(headers.get().get(GRPC_ENCODING), "responses are never compressed");
    }

    @Test
    void gzipRequestOnStreamReachesTheApplicationDecompressed() {
        byte[] body = compressibleBody();
        Request request = Request.of("POST", "/app/upload").body("application/octet-stream", body);
        HttpBodyClient.StreamCall call = new HttpBodyClient.StreamCall();
        io.grpc.stub.StreamObserver<HttpBody> requests = HttpServiceGrpc.newStub(grpc.channel())
                .withCompression("gzip")
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(request.metadata()),
                        MetadataUtils.newCaptureMetadataInterceptor(call.headers, call.trailers))
                .stream(call);
        int half = body.length / 2;
        requests.onNext(HttpBody.newBuilder().setContentType("application/octet-stream")
                .setData(ByteString.copyFrom(body, 0, half)).build());
        requests.onNext(HttpBody.newBuilder().setData(ByteString.copyFrom(body, half, body.length - half)).build());
        requests.onCompleted();
        HttpBodyClient.StreamResponse r = call.await(60);
        assertTrue(r.ok(), r::toString);
        Map<String, Object> seen = MiniJson.object(new String(r.data(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(String.valueOf(body.length), String.valueOf(seen.get("length")), seen::toString);
        assertEquals(sha256(body), seen.get("sha256"), seen::toString);
        assertNull(r.headers().get(GRPC_ENCODING), "responses are never compressed");
    }

    @Test
    void otherEncodingsAreUnimplementedWithTheAcceptedList() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            List<String[]> headers = BadInputIT.envoyHeaders(h2, "GET", "/app/echo");
            headers.add(new String[] {"grpc-encoding", "deflate"});
            int id = h2.newStreamId();
            h2.headers(id, headers, false);
            h2.data(id, RawH2Client.grpcFrame(true, new byte[] {1, 2, 3}), true);
            RawH2Client.StreamResult r = h2.await(id, Duration.ofSeconds(30));
            assertEquals("12", r.grpcStatus(), r::toString);
            String accepted = r.header("grpc-accept-encoding");
            assertTrue(accepted != null && accepted.contains("gzip") && accepted.contains("identity"), r::toString);
            BadInputIT.assertNormalCallWorks(h2);
        }
    }
}
