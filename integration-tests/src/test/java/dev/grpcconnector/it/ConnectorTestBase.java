package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Shared server, one gRPC channel per test class, and the checks every call goes through. */
@ExtendWith(GlassFishExtension.class)
abstract class ConnectorTestBase {

    /** Response metadata that must never appear: the body length and framing are gRPC's business. */
    static final List<String> FORBIDDEN_RESPONSE_METADATA = List.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "upgrade");

    static GlassFishServer server;
    static HttpBodyClient grpc;
    static HttpClient http;

    @BeforeAll
    static void connect(GlassFishServer s) {
        server = s;
        grpc = HttpBodyClient.connect(s.grpcPort());
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterAll
    static void disconnect() {
        if (grpc != null) {
            grpc.close();
            grpc = null;
        }
        if (http != null) {
            http.close();
            http = null;
        }
    }

    /** Calls Handle and checks the response metadata is clean. */
    static Response call(Request request) {
        Response r = grpc.handle(request);
        assertCleanMetadata(r);
        return r;
    }

    /** A successful gRPC call (status OK) carrying HTTP status {@code code}. */
    static Response callExpecting(int code, Request request) {
        Response r = call(request);
        assertTrue(r.ok(), () -> request + ": expected gRPC OK, got " + r);
        assertEquals(code, r.httpCode(), () -> request + ": x-http-code, response " + r);
        return r;
    }

    static void assertCleanMetadata(Response r) {
        if (r.headers() == null) {
            return;
        }
        // By key name: creating a Metadata.Key for "connection" makes grpc-java log a
        // WARNING with a stack trace every time.
        java.util.Set<String> keys = r.headers().keys();
        for (String name : FORBIDDEN_RESPONSE_METADATA) {
            assertFalse(keys.contains(name), () -> "response metadata must not contain " + name + ": " + r);
        }
        for (String ct : r.header("content-type")) {
            assertTrue(ct.toLowerCase(Locale.ROOT).startsWith("application/grpc"),
                    () -> "content-type in metadata other than gRPC's own: " + ct + " in " + r);
        }
    }

    /** A gRPC error answered with trailers only (no headers, no message), with a message. */
    static void assertTrailersOnlyError(Response r, io.grpc.Status.Code... allowed) {
        assertFalse(r.ok(), () -> "expected a gRPC error, got " + r);
        assertTrue(List.of(allowed).contains(r.status().getCode()),
                () -> "expected one of " + List.of(allowed) + ", got " + r.status());
        assertTrue(r.trailersOnly(), () -> "expected a trailers-only response, got headers " + r.headers());
        assertNotNull(r.status().getDescription(), "the error must carry a grpc-message");
        assertFalse(r.status().getDescription().isBlank(), "the error must carry a grpc-message");
    }

    // --------------------------------------------------------------------- direct HTTP

    static HttpResponse<byte[]> direct(String method, String pathAndQuery, String contentType, byte[] body,
                                       String... headers) {
        HttpRequest.BodyPublisher pub = body == null || body.length == 0
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(server.httpUri(pathAndQuery)).timeout(Duration.ofSeconds(60))
                .method(method, pub);
        if (contentType != null && !contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError("direct HTTP " + request + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> json(HttpResponse<byte[]> r) {
        return MiniJson.object(new String(r.body(), StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------- helpers

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The /bytes pattern: byte i = (i * 31 + 7) &amp; 0xff. */
    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ((i * 31L + 7) & 0xff);
        }
        return b;
    }

    static void assertPattern(byte[] data, int size, String what) {
        if (data.length != size) {
            fail(what + ": expected " + size + " bytes, got " + data.length);
        }
        for (int i = 0; i < size; i++) {
            if (data[i] != (byte) ((i * 31L + 7) & 0xff)) {
                fail(what + ": byte " + i + " is " + (data[i] & 0xff) + ", expected " + ((i * 31 + 7) & 0xff));
            }
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static List<String> param(Map<String, Object> echo, String name) {
        return (List<String>) ((Map<String, Object>) echo.get("parameters")).get(name);
    }

    @SuppressWarnings("unchecked")
    static List<String> seenHeader(Map<String, Object> echo, String name) {
        return (List<String>) ((Map<String, Object>) echo.get("headers")).get(name);
    }

    static URI uri(String s) {
        return URI.create(s);
    }
}
