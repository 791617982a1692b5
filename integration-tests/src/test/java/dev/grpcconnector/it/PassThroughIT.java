package dev.grpcconnector.it;

import dev.grpcconnector.it.RawH2Client.StreamResult;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Everything on the gRPC listener that is not a connector call reaches the application untouched. */
class PassThroughIT extends ConnectorTestBase {

    URI grpcPortUri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.grpcPort() + pathAndQuery);
    }

    @Test
    void http11GetOnTheGrpcPort() {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(grpcPortUri("/app/echo?p=a%2Fb&q=1+2"))
                .header("X-Custom", "v").header(EdgeSecret.HEADER, EdgeSecret.CURRENT).timeout(Duration.ofSeconds(30)).build());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        Map<String, Object> echo = json(r);
        assertEquals("GET", echo.get("method"));
        assertEquals("HTTP/1.1", echo.get("protocol"));
        assertEquals("p=a%2Fb&q=1+2", echo.get("queryString"));
        assertEquals(List.of("v"), seenHeader(echo, "x-custom"));
        assertEquals("127.0.0.1", echo.get("remoteAddr"));
    }

    @Test
    void http11PostOnTheGrpcPort() {
        byte[] body = pattern(200_000);
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(grpcPortUri("/app/upload"))
                .header("Content-Type", "application/octet-stream").header(EdgeSecret.HEADER, EdgeSecret.CURRENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(30)).build());
        assertEquals(200, r.statusCode());
        Map<String, Object> json = json(r);
        assertEquals((long) body.length, json.get("length"));
        assertEquals(sha256(body), json.get("sha256"));
    }

    @Test
    void http11ResponsesKeepTheirHttpShape() {
        HttpResponse<byte[]> redirect = send(HttpRequest.newBuilder(grpcPortUri("/app/redirect"))
                .header(EdgeSecret.HEADER, EdgeSecret.CURRENT).build());
        assertEquals(302, redirect.statusCode());
        assertEquals(List.of("/app/target"), redirect.headers().allValues("location"));
        assertTrue(redirect.headers().firstValue("x-http-code").isEmpty());
        HttpResponse<byte[]> bytes = send(HttpRequest.newBuilder(grpcPortUri("/app/bytes?size=70000"))
                .header(EdgeSecret.HEADER, EdgeSecret.CURRENT).build());
        assertEquals(200, bytes.statusCode());
        assertEquals("70000", bytes.headers().firstValue("content-length").orElse(null));
        assertPattern(bytes.body(), 70_000, "/app/bytes over HTTP/1.1 on the gRPC port");
    }

    @Test
    void plainH2cGetOnTheGrpcPort() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            int id = h2.newStreamId();
            h2.headers(id, List.of(
                    new String[] {":method", "GET"},
                    new String[] {":scheme", "http"},
                    new String[] {":path", "/app/echo?x=1"},
                    new String[] {":authority", "127.0.0.1:" + server.grpcPort()},
                    new String[] {"x-custom", "h2"},
                    new String[] {EdgeSecret.HEADER, EdgeSecret.CURRENT}), true);
            StreamResult r = h2.await(id, Duration.ofSeconds(30));
            assertNull(r.rstCode, r::toString);
            assertEquals("200", r.header(":status"), r::toString);
            assertNull(r.header("x-http-code"), "not a gRPC response");
            assertTrue(r.header("content-type").startsWith("application/json"), r::toString);
            Map<String, Object> echo = MiniJson.object(new String(r.bytes(), StandardCharsets.UTF_8));
            assertEquals("GET", echo.get("method"));
            assertEquals("x=1", echo.get("queryString"));
            assertEquals("HTTP/2.0", echo.get("protocol"));
            assertEquals(List.of("h2"), seenHeader(echo, "x-custom"));
        }
    }

    @Test
    void plainH2cPostOnTheGrpcPort() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            int id = h2.newStreamId();
            List<String[]> headers = new ArrayList<>(List.of(
                    new String[] {":method", "POST"},
                    new String[] {":scheme", "http"},
                    new String[] {":path", "/app/echo"},
                    new String[] {":authority", "127.0.0.1:" + server.grpcPort()},
                    new String[] {"content-type", "text/plain;charset=UTF-8"},
                    new String[] {EdgeSecret.HEADER, EdgeSecret.CURRENT}));
            h2.headers(id, headers, false);
            h2.data(id, "plain h2 body".getBytes(StandardCharsets.UTF_8), true);
            StreamResult r = h2.await(id, Duration.ofSeconds(30));
            assertEquals("200", r.header(":status"), r::toString);
            Map<String, Object> echo = MiniJson.object(new String(r.bytes(), StandardCharsets.UTF_8));
            assertEquals("POST", echo.get("method"));
            assertEquals("plain h2 body", echo.get("bodyText"));
        }
    }

    @Test
    void grpcToAnotherServiceIsNotTheConnectors() {
        // A gRPC call to a method the connector does not own goes on to the web container,
        // which has nothing there: an HTTP 404, not an HttpBody answer.
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            int id = h2.newStreamId();
            h2.headers(id, h2.grpcHeaders("some.other.Service/Method"), false);
            h2.data(id, RawH2Client.grpcFrame(false, new byte[0]), true);
            StreamResult r = h2.await(id, Duration.ofSeconds(30));
            assertNull(r.rstCode, r::toString);
            assertEquals("404", r.header(":status"), r::toString);
            assertNull(r.header("x-http-code"), r::toString);
        }
    }
}
