package dev.grpcconnector.it;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import dev.grpcconnector.it.HttpBodyClient.RawResponse;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input gives a trailers-only gRPC error with a clear message, and the connection
 * keeps serving normal calls afterwards. What grpc-java will not send (CR/LF/NUL in
 * header values, broken gRPC framing) goes through {@link RawH2Client}.
 */
class BadInputIT extends ConnectorTestBase {

    static final String HANDLE = HttpServiceGrpc.getHandleMethod().getFullMethodName();

    // ----------------------------------------------------------------- with grpc-java

    @Test
    void missingOriginalPath() {
        Response r = call(Request.get("/app/echo").path(null));
        assertTrailersOnlyError(r, Code.INVALID_ARGUMENT);
        assertTrue(r.status().getDescription().contains("x-envoy-original-path"), r.status()::toString);
        channelStillWorks();
    }

    @Test
    void missingOriginalMethod() {
        Response r = call(Request.get("/app/echo").method(null));
        assertTrailersOnlyError(r, Code.INVALID_ARGUMENT);
        assertTrue(r.status().getDescription().contains("x-envoy-original-method"), r.status()::toString);
        channelStillWorks();
    }

    @Test
    void messageThatIsNotAnHttpBody() {
        RawResponse r = grpc.handleRaw(Request.get("/app/echo").metadata(), new byte[] {(byte) 0xff, (byte) 0xff});
        assertEquals(Code.INVALID_ARGUMENT, r.status().getCode(), r.status()::toString);
        assertNull(r.headers(), "trailers-only expected");
        assertNotNull(r.status().getDescription());
        channelStillWorks();
    }

    @Test
    void messageOver16MiB() {
        byte[] data = new byte[16 * 1024 * 1024 + 1];
        Response r = call(Request.of("POST", "/app/upload").body("application/octet-stream", data));
        assertTrailersOnlyError(r, Code.RESOURCE_EXHAUSTED);
        channelStillWorks();
    }

    static void channelStillWorks() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo?after=error")).json();
        assertEquals("after=error", echo.get("queryString"));
    }

    // --------------------------------------------------------------- with raw HTTP/2

    /**
     * @param malformedHttp2 the header block itself is malformed HTTP/2 (RFC 9113 8.2.1:
     *                       CR, LF or NUL in a field value). Grizzly's HTTP/2 layer, below
     *                       the connector, answers those with RST_STREAM(PROTOCOL_ERROR)
     *                       before any filter sees the headers (verified on the stock HTTP
     *                       listener too), which the RFC requires; that outcome is accepted
     *                       as well as the connector's own trailers-only INVALID_ARGUMENT.
     */
    record BadStream(String name, Consumer<List<String[]>> editHeaders, byte[] data, List<Code> allowed,
                     boolean malformedHttp2) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadStream> badStreams() {
        byte[] emptyBody = RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray());
        List<Code> invalid = List.of(Code.INVALID_ARGUMENT);
        List<Code> framing = List.of(Code.INTERNAL, Code.INVALID_ARGUMENT);
        byte[] someBody = HttpBody.newBuilder().setContentType("text/plain")
                .setData(ByteString.copyFromUtf8("hello")).build().toByteArray();
        return Stream.of(
                new BadStream("CR LF in a header value", h -> h.add(new String[] {"x-custom", "a\r\nx-injected: 1"}), emptyBody, invalid, true),
                new BadStream("LF in a header value", h -> h.add(new String[] {"x-custom", "a\nb"}), emptyBody, invalid, true),
                new BadStream("NUL in a header value", h -> h.add(new String[] {"x-custom", "a\u0000b"}), emptyBody, invalid, true),
                new BadStream("CR LF in the original path", h -> replace(h, "x-envoy-original-path", "/app/echo\r\nx-injected: 1"), emptyBody, invalid, true),
                new BadStream("NUL in the original path", h -> replace(h, "x-envoy-original-path", "/app/echo\u0000.jsp"), emptyBody, invalid, true),
                new BadStream("CR LF in the original method", h -> replace(h, "x-envoy-original-method", "GET\r\nX: y"), emptyBody, invalid, true),
                new BadStream("compressed flag without grpc-encoding", h -> { }, RawH2Client.grpcFrame(true, someBody), framing, false),
                new BadStream("length prefix longer than the data", h -> { }, RawH2Client.grpcFrame(false, 100, someBody), framing, false),
                new BadStream("truncated length prefix", h -> { }, new byte[] {0, 0, 0}, framing, false),
                new BadStream("a percent-encoded CR LF in the path is fine (control)", h -> replace(h, "x-envoy-original-path", "/app/echo?x=%0D%0A"), emptyBody, List.of(Code.OK), false));
    }

    @ParameterizedTest
    @MethodSource("badStreams")
    void badStreamGetsTrailersOnlyErrorAndConnectionSurvives(BadStream bad) {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            StreamResult r = send(h2, bad);
            assertTrailersOnly(bad, r);
            assertNormalCallWorks(h2);
        }
    }

    @Test
    void allBadStreamsOnOneConnectionThenANormalCall() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            for (BadStream bad : badStreams().toList()) {
                assertTrailersOnly(bad, send(h2, bad));
            }
            assertNormalCallWorks(h2);
            assertNull(h2.goaway(), "no GOAWAY expected");
        }
    }

    static StreamResult send(RawH2Client h2, BadStream bad) {
        List<String[]> headers = envoyHeaders(h2, "GET", "/app/echo");
        bad.editHeaders.accept(headers);
        int id = h2.newStreamId();
        h2.headers(id, headers, false);
        h2.data(id, bad.data, true);
        return h2.await(id, Duration.ofSeconds(30));
    }

    static void assertTrailersOnly(BadStream bad, StreamResult r) {
        assertNull(r.connectionError, () -> bad + ": connection failed: " + r);
        if (bad.allowed.contains(Code.OK)) {
            assertEquals("0", r.grpcStatus(), () -> bad + ": " + r);
            return;
        }
        if (bad.malformedHttp2 && r.rstCode != null) {
            assertEquals(1, r.rstCode, () -> bad + ": RST_STREAM must be PROTOCOL_ERROR (1): " + r);
            System.out.println("[bad-input] " + bad + ": RST_STREAM(PROTOCOL_ERROR) from the HTTP/2 layer");
            return;
        }
        assertNull(r.rstCode, () -> bad + ": stream reset instead of a gRPC error: " + r);
        assertTrue(r.trailersOnly, () -> bad + ": expected a trailers-only response: " + r);
        assertEquals("200", r.header(":status"), () -> bad + ": " + r);
        String status = r.grpcStatus();
        assertNotNull(status, () -> bad + ": no grpc-status: " + r);
        Code code = io.grpc.Status.fromCodeValue(Integer.parseInt(status)).getCode();
        assertTrue(bad.allowed.contains(code), () -> bad + ": expected " + bad.allowed + ", got " + code + ": " + r);
        String message = r.grpcMessage();
        assertNotNull(message, () -> bad + ": no grpc-message: " + r);
        assertFalse(message.isBlank(), () -> bad + ": empty grpc-message");
    }

    static void assertNormalCallWorks(RawH2Client h2) {
        int id = h2.newStreamId();
        h2.headers(id, envoyHeaders(h2, "GET", "/app/echo?normal=1"), false);
        h2.data(id, RawH2Client.grpcFrame(false, new byte[0]), true);
        StreamResult r = h2.await(id, Duration.ofSeconds(30));
        assertNull(r.connectionError, () -> "normal call after bad input: " + r);
        assertNull(r.rstCode, () -> "normal call after bad input: " + r);
        assertEquals("0", r.grpcStatus(), () -> "normal call after bad input: " + r);
        assertEquals("200", r.header("x-http-code"), () -> "normal call after bad input: " + r);
        HttpBody body = parseSingleMessage(r.bytes());
        Map<String, Object> echo = MiniJson.object(body.getData().toString(StandardCharsets.UTF_8));
        assertEquals("normal=1", echo.get("queryString"));
    }

    static List<String[]> envoyHeaders(RawH2Client h2, String method, String path) {
        return h2.envoyHeaders(HANDLE, method, path);
    }

    static void replace(List<String[]> headers, String name, String value) {
        headers.removeIf(h -> h[0].equals(name));
        headers.add(new String[] {name, value});
    }

    /** The response data must be exactly one uncompressed gRPC message holding an HttpBody. */
    static HttpBody parseSingleMessage(byte[] data) {
        assertTrue(data.length >= 5, "no gRPC message in the response");
        assertEquals(0, data[0], "response messages must not be compressed");
        int len = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
        assertEquals(data.length, 5 + len, "exactly one message expected");
        try {
            return HttpBody.parseFrom(java.util.Arrays.copyOfRange(data, 5, data.length));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("response is not an HttpBody: " + e, e);
        }
    }
}
