package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Stream} (the method Envoy's catch-all route uses) against {@code Handle} for
 * the same requests: the same x-http-code, the same response headers, the same body and
 * content type. {@code Stream} is called as Envoy calls it for a request it has whole:
 * one HttpBody, then half-close.
 *
 * <p>It also pins down the one intended difference: a bodyless response (HEAD, 204) on
 * {@code Stream} carries one message with the content type and no data when the
 * application gave a type (Envoy takes the browser's Content-Type from it), and none
 * without one, while {@code Handle}, being unary, always carries exactly one message
 * (grpc-java rejects a unary response with none or two, so an OK status with a message
 * proves "exactly one"). A connector that sent data for a bodyless response on
 * {@code Stream}, or lost headers, cookies, the status, the type or the body on the
 * streaming path, fails here. BodylessHeadIT compares bodyless heads with direct HTTP.
 */
class StreamDifferentialIT extends ConnectorTestBase {

    record Case(String name, String method, String path, String contentType, String body, int expectedCode,
                boolean bodyless) {
        @Override
        public String toString() {
            return name + " (" + method + " " + path + ")";
        }

        Request request() {
            Request r = Request.of(method, path);
            if (body != null) {
                r.body(contentType, body);
            }
            return r;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("GET with query", "GET", "/app/echo?p=a%2Fb&q=1+2", null, null, 200, false),
                new Case("HEAD", "HEAD", "/app/echo?x=1", null, null, 200, true),
                new Case("204", "GET", "/app/status?code=204", null, null, 204, true),
                new Case("302 with a session cookie (login, credentials in the query)", "POST",
                        "/app/login?user=alice&password=secret", null, null, 302, false),
                new Case("302 redirect", "GET", "/app/redirect", null, null, 302, false),
                new Case("200 with two cookies", "GET", "/app/cookies", null, null, 200, false),
                new Case("POST JSON body", "POST", "/app/echo?from=query", "application/json",
                        "{\"name\":\"\u00e9\",\"list\":[1,2,3]}", 200, false),
                new Case("login form", "POST", "/app/login", "application/x-www-form-urlencoded", "user=alice&password=secret", 302, false),
                new Case("POST form", "POST", "/app/echo?from=query", "application/x-www-form-urlencoded",
                        "user=alice&note=caf%C3%A9+au+lait&x=1&x=2", 200, false),
                new Case("404 from the application", "GET", "/app/status?code=404", null, null, 404, false),
                new Case("404 from the container", "GET", "/app/no/such/page.html", null, null, 404, false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void streamAgreesWithHandle(Case c) {
        Response h = grpc.handle(c.request());
        StreamResponse s = grpc.stream(c.request());
        assertCleanMetadata(h);
        assertCleanMetadata(s.asResponse());

        assertTrue(h.ok(), () -> c + ": Handle " + h);
        assertTrue(s.ok(), () -> c + ": Stream " + s);
        assertEquals(c.expectedCode, h.httpCode(), () -> c + ": Handle x-http-code " + h);
        assertEquals(c.expectedCode, s.httpCode(), () -> c + ": Stream x-http-code " + s);
        assertEquals(DifferentialIT.normalize(DifferentialIT.metadataMap(h.headers())),
                DifferentialIT.normalize(DifferentialIT.metadataMap(s.headers())), () -> c + ": response headers");

        if (c.path.startsWith("/app/login")) {
            assertTrue(s.asResponse().header("set-cookie").stream().anyMatch(v -> v.startsWith("JSESSIONID=")),
                    () -> c + ": no session cookie on Stream: " + s);
        }

        // Handle: exactly one message, always.
        assertNotNull(h.body(), () -> c + ": Handle must carry one message: " + h);
        if (c.bodyless) {
            assertEquals(0, h.data().length, () -> c + ": Handle body");
            assertEquals(h.contentType().isEmpty() ? 0 : 1, s.messages().size(),
                    () -> c + ": a bodyless response sends one message on Stream when it has a type, else none: " + s);
            assertEquals(0, s.data().length, () -> c + ": Stream data of a bodyless response");
            if (!h.contentType().isEmpty()) {
                assertEquals(h.contentType(), s.contentType(), () -> c + ": Stream content type");
            }
            return;
        }
        assertFalse(s.messages().isEmpty(), () -> c + ": Stream sent no message: " + s);
        assertEquals(h.contentType(), s.contentType(), () -> c + ": content type (first Stream message)");
        for (int i = 1; i < s.messages().size(); i++) {
            assertTrue(s.messages().get(i).getContentType().isEmpty() || s.messages().get(i).getContentType().equals(s.contentType()),
                    c + ": content type of a later message");
        }
        if (c.path.startsWith("/app/echo")) {
            // What the servlet saw; the transport fields (headers, protocol) and an
            // unannounced length legitimately differ between unary and streaming.
            int sent = c.body == null ? 0 : c.body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            assertEquals(DifferentialIT.echoView(h.data(), sent), DifferentialIT.echoView(s.data(), sent),
                    () -> c + ": what the servlet saw");
        } else {
            assertArrayEquals(h.data(), s.data(), () -> c + ": body\n Handle: " + DifferentialIT.preview(h.data())
                    + "\n Stream: " + DifferentialIT.preview(s.data()));
        }
    }
}
