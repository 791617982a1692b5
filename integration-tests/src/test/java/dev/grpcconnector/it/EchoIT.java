package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Methods, query strings and request bodies, as the servlet sees them through the connector. */
class EchoIT extends ConnectorTestBase {

    static final String QUERY = "p=a%2Fb&q=1+2&u=%C3%A9t%C3%A9";

    @ParameterizedTest
    @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
    void everyMethodReachesTheServlet(String method) {
        Response r = callExpecting(200, Request.of(method, "/app/echo"));
        Map<String, Object> echo = r.json();
        assertEquals(method, echo.get("method"));
        assertEquals("/app/echo", echo.get("requestURI"));
        assertNull(echo.get("queryString"));
        assertEquals(0L, echo.get("bodyLength"));
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    }

    @Test
    void headGivesHeadersAndNoBody() {
        Response r = callExpecting(200, Request.of("HEAD", "/app/echo"));
        assertEquals(0, r.data().length, "HEAD must have an empty body");
        // What GET would have said about the type still comes back.
        assertTrue(r.contentType() == null || r.contentType().isEmpty() || r.contentType().startsWith("application/json"),
                r.contentType());
    }

    @Test
    void queryIsPassedRawAndDecodedIntoParameters() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo?" + QUERY)).json();
        assertEquals("/app/echo", echo.get("requestURI"));
        assertEquals(QUERY, echo.get("queryString"), "the raw query must be preserved byte for byte");
        assertEquals(List.of("a/b"), param(echo, "p"));
        assertEquals(List.of("1 2"), param(echo, "q"));
        assertEquals(List.of("été"), param(echo, "u"));
    }

    @Test
    void queryControlOverDirectHttp() {
        Map<String, Object> echo = json(direct("GET", "/app/echo?" + QUERY, null, null));
        assertEquals(QUERY, echo.get("queryString"));
        assertEquals(List.of("a/b"), param(echo, "p"));
        assertEquals(List.of("1 2"), param(echo, "q"));
        assertEquals(List.of("été"), param(echo, "u"));
    }

    @Test
    void repeatedParametersAndEmptyValues() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo?x=1&x=2&flag&e=")).json();
        assertEquals("x=1&x=2&flag&e=", echo.get("queryString"));
        assertEquals(List.of("1", "2"), param(echo, "x"));
        assertEquals(List.of(""), param(echo, "e"));
    }

    @Test
    void formPostParametersAreVisible() {
        Response r = callExpecting(200, Request.of("POST", "/app/echo?from=query")
                .body("application/x-www-form-urlencoded", "user=alice&note=caf%C3%A9+au+lait&x=1&x=2"));
        Map<String, Object> echo = r.json();
        assertEquals("POST", echo.get("method"));
        // The app sets <request-character-encoding>UTF-8, which getContentType() reports as a charset.
        assertTrue(((String) echo.get("contentType")).startsWith("application/x-www-form-urlencoded"),
                () -> "contentType " + echo.get("contentType"));
        assertEquals(List.of("alice"), param(echo, "user"));
        assertEquals(List.of("café au lait"), param(echo, "note"));
        assertEquals(List.of("1", "2"), param(echo, "x"));
        assertEquals(List.of("query"), param(echo, "from"));
    }

    @Test
    void jsonBodyArrivesIntact() {
        String body = "{\"name\":\"é\",\"list\":[1,2,3],\"nested\":{\"k\":null}}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, Object> echo = callExpecting(200, Request.of("PUT", "/app/echo")
                .body("application/json; charset=utf-8", bytes)).json();
        assertEquals("PUT", echo.get("method"));
        assertEquals("application/json; charset=utf-8", echo.get("contentType"));
        assertEquals((long) bytes.length, echo.get("bodyLength"));
        assertEquals(sha256(bytes), echo.get("bodySha256"));
        assertEquals(body, echo.get("bodyText"));
        assertContentLengthConsistent(echo, bytes.length);
    }

    @Test
    void binaryBodyWithAllByteValues() {
        byte[] all = new byte[256 * 4];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        Map<String, Object> echo = callExpecting(200, Request.of("POST", "/app/echo")
                .body("application/octet-stream", all)).json();
        assertTrue(((String) echo.get("contentType")).startsWith("application/octet-stream"),
                () -> "contentType " + echo.get("contentType"));
        assertEquals((long) all.length, echo.get("bodyLength"));
        assertEquals(sha256(all), echo.get("bodySha256"));
        assertNull(echo.get("bodyText"), "not UTF-8, so the servlet must not have echoed it as text");

        Map<String, Object> upload = callExpecting(200, Request.of("POST", "/app/upload")
                .body("application/octet-stream", all)).json();
        assertEquals((long) all.length, upload.get("length"));
        assertEquals(sha256(all), upload.get("sha256"));
    }

    @Test
    void emptyBodyWithoutContentType() {
        Map<String, Object> echo = callExpecting(200, Request.of("POST", "/app/echo")).json();
        assertEquals(0L, echo.get("bodyLength"));
        assertNull(echo.get("contentType"), "HttpBody.content_type \"\" means no Content-Type header");
        assertContentLengthConsistent(echo, 0);
    }

    @Test
    void headersArriveAsSent() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo")
                .header("accept", "text/html, application/json;q=0.9")
                .header("accept-language", "fr-CH, fr;q=0.9")
                .header("x-multi", "one")
                .header("x-multi", "two")).json();
        assertEquals(List.of("text/html, application/json;q=0.9"), seenHeader(echo, "accept"));
        assertEquals(List.of("fr-CH, fr;q=0.9"), seenHeader(echo, "accept-language"));
        assertEquals(List.of("one", "two"), seenHeader(echo, "x-multi"));
        // The gRPC framing must not leak into the request the application sees.
        for (String grpcOnly : List.of("content-type", "te", "grpc-timeout", "grpc-accept-encoding")) {
            assertNull(seenHeader(echo, grpcOnly), () -> grpcOnly + " must not reach the application: " + echo.get("headers"));
        }
    }

    @Test
    void methodsControlOverDirectHttp() {
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
            HttpResponse<byte[]> r = direct(method, "/app/echo", null, null);
            assertEquals(200, r.statusCode(), method);
            assertEquals(method, json(r).get("method"));
        }
        HttpResponse<byte[]> head = direct("HEAD", "/app/echo", null, null);
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
    }

    /** The connector may or may not announce a length for a buffered unary body; if it does, it must be right. */
    static void assertContentLengthConsistent(Map<String, Object> echo, long length) {
        long cl = (Long) echo.get("contentLength");
        assertTrue(cl == -1 || cl == length, () -> "Content-Length seen by the app " + cl + " but body is " + length);
    }
}
