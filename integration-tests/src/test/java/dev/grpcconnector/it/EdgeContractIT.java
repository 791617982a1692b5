package dev.grpcconnector.it;

import dev.grpcconnector.edge.DevEdge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Browser → development edge → connector → test application, end to end on the real
 * GlassFish 8.0.0: the edge runs in this JVM on a free port, the browser is
 * {@code java.net.http.HttpClient} over HTTP/1.1 (or a raw socket where it must say or
 * see exactly what goes over the wire). Each test names the contract vector it shows;
 * {@code EdgeContractTest} (dev-edge) checks the exact vectors with a scripted backend.
 */
class EdgeContractIT extends ConnectorTestBase {

    static final Duration PATIENCE = Duration.ofSeconds(60);
    static DevEdge edge;

    @BeforeAll
    static void startEdge() throws IOException {
        edge = DevEdge.start("--port=0", "--backend=127.0.0.1:" + server.grpcPort(), "--secret-file=" + server.edgeSecretFile());
    }

    @AfterAll
    static void stopEdge() {
        if (edge != null) {
            edge.close();
            edge = null;
        }
    }

    @Test
    void q1PathAndQueryReachTheApplicationUnchanged() {
        HttpResponse<byte[]> r = viaEdge("GET", "/app/echo?q=a%20b&x=1&x=2&flag&c.d=3", null, null);

        assertEquals(200, r.statusCode());
        Map<String, Object> echo = json(r);
        assertEquals("GET", echo.get("method"));
        assertEquals("/app/echo", echo.get("requestURI"));
        assertEquals("q=a%20b&x=1&x=2&flag&c.d=3", echo.get("queryString"));
        assertEquals(List.of("a b"), param(echo, "q"));
        assertEquals(List.of("1", "2"), param(echo, "x"));
        assertEquals("http", echo.get("scheme"));
        assertEquals("127.0.0.1", echo.get("remoteAddr"), "the client address, from X-Forwarded-For");
        assertEquals("127.0.0.1", echo.get("serverName"), "Host, sent as :authority");
        assertEquals(edge.port(), ((Number) echo.get("serverPort")).intValue());
    }

    @Test
    void q2FormPostIsParsedByTheApplication() {
        HttpResponse<byte[]> r = viaEdge("POST", "/app/echo", "application/x-www-form-urlencoded",
                "u=a&p=b".getBytes(StandardCharsets.UTF_8));

        Map<String, Object> echo = json(r);
        assertEquals(List.of("a"), param(echo, "u"));
        assertEquals(List.of("b"), param(echo, "p"));
    }

    @Test
    void q5SpoofedOriginalMethodIsIgnored() {
        HttpResponse<byte[]> r = viaEdge("GET", "/app/echo", null, null, "X-Envoy-Original-Method", "DELETE");

        assertEquals("GET", json(r).get("method"));
    }

    @Test
    void r1RedirectAndTwoSetCookieLines() {
        HttpResponse<byte[]> redirect = viaEdge("GET", "/app/redirect", null, null);
        assertEquals(302, redirect.statusCode());
        assertEquals(List.of("/app/target"), redirect.headers().allValues("location"));
        assertEquals(List.of(), redirect.headers().allValues("x-http-code"));

        HttpResponse<byte[]> cookies = viaEdge("GET", "/app/cookies", null, null);
        HttpResponse<byte[]> direct = direct("GET", "/app/cookies", null, null);
        assertEquals(2, cookies.headers().allValues("set-cookie").size(), cookies.headers()::toString);
        assertEquals(direct.headers().allValues("set-cookie"), cookies.headers().allValues("set-cookie"));
        assertEquals(direct.headers().allValues("content-type"), cookies.headers().allValues("content-type"));
        assertEquals(utf8(direct.body()), utf8(cookies.body()));
    }

    @Test
    void r2StatusAndBodyAsTheApplicationWroteThem() {
        HttpResponse<byte[]> r = viaEdge("GET", "/app/status?code=404", null, null);
        assertEquals(404, r.statusCode(), "x-http-code becomes the status");
        assertEquals("status 404\n", utf8(r.body()));

        HttpResponse<byte[]> noContent = viaEdge("GET", "/app/status?code=204", null, null);
        assertEquals(204, noContent.statusCode());
        assertEquals(0, noContent.body().length);
    }

    @Test
    void r7ServerSentEventArrivesWhileTheResponseIsStillOpen() throws Exception {
        String id = UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(edgeUri("/app/sse?id=" + id)).header("Accept", "text/event-stream")
                .timeout(PATIENCE).GET().build();
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"), r.headers()::toString);
        try (InputStream in = r.body()) {
            byte[] first = in.readNBytes(SseIT.EVENT_1.length());
            assertEquals(SseIT.EVENT_1, utf8(first));
            // Only now, with event 1 in hand, does the servlet get to finish.
            assertEquals("waiting", utf8(direct("GET", "/app/sse-state?id=" + id, null, null).body()),
                    "event 1 must arrive while the servlet still waits");
            direct("GET", "/app/sse-release?id=" + id, null, null);
            assertEquals(SseIT.EVENT_2, utf8(in.readAllBytes()));
        }
    }

    @Test
    void eightMebibyteUploadAndDownloadAreByteIdentical() {
        int size = 8 * 1024 * 1024;
        byte[] body = pattern(size);
        HttpResponse<byte[]> up = viaEdge("POST", "/app/upload", "application/octet-stream", body);
        assertEquals(200, up.statusCode());
        Map<String, Object> upload = json(up);
        assertEquals((long) size, ((Number) upload.get("length")).longValue());
        assertEquals(sha256(body), upload.get("sha256"));

        HttpResponse<byte[]> down = viaEdge("GET", "/app/bytes?size=" + size, null, null);
        assertEquals(200, down.statusCode());
        assertPattern(down.body(), size, "8 MiB download through the edge");
    }

    @Test
    void headHasNoBody() throws IOException {
        String response = raw("HEAD /app/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.endsWith("\r\n\r\n"), () -> "nothing after the header block: " + response);
    }

    @Test
    void healthIsAnsweredFromTheConnectorsHealthService() {
        assertEquals(200, viaEdge("GET", "/health", null, null).statusCode());
    }

    @Test
    void directGrpcCallsToTheEdgeGet404() {
        HttpResponse<byte[]> r = viaEdge("POST", "/grpcconnector.v1.HttpService/Stream", "application/grpc", new byte[5]);

        assertEquals(404, r.statusCode());
    }

    @Test
    void browserGoingAwayCancelsTheApplication() throws Exception {
        String id = UUID.randomUUID().toString();
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.getOutputStream().write(("GET /app/cancel-probe?id=" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertTrue(in.readNBytes(64 * 1024).length > 0, "the download started");
        }
        // The probe logs "write failed" and "returned" once the cancellation reached it.
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String log = "";
        while (System.nanoTime() < deadline && !log.contains("returned")) {
            log = utf8(direct("GET", "/app/cancel-state?id=" + id, null, null).body());
            if (!log.contains("returned")) {
                Thread.sleep(200);
            }
        }
        if (!log.contains("returned")) {
            fail("the application never saw the browser go away: " + log);
        }
        assertTrue(log.contains("write failed"), log);
    }

    // ------------------------------------------------------------------------ helpers

    static URI edgeUri(String target) {
        return URI.create("http://127.0.0.1:" + edge.port() + target);
    }

    static HttpResponse<byte[]> viaEdge(String method, String target, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(edgeUri(target)).timeout(PATIENCE)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout((int) PATIENCE.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(response);
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
