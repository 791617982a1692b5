package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import io.grpc.Metadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same request sent directly over HTTP/1.1 to GlassFish's HTTP listener and through
 * the connector must give the same status, the same headers (except hop-by-hop ones and
 * ones that legitimately differ) and the same body.
 *
 * <p>The gRPC channel sends {@code :authority 127.0.0.1:<http port>}, the same Host the
 * direct request carries, so that absolute URLs and serverPort agree.
 */
class DifferentialIT extends ConnectorTestBase {

    /**
     * Headers compared on neither side: hop-by-hop and framing (RFC 9110 7.6.1), the date,
     * content-type (carried in HttpBody.content_type, compared separately), the product
     * banner, and gRPC's own; the content headers of a bodyless response that the
     * connector adds for the edge's Lua filter (x-http-content-type, x-http-content-length)
     * are compared by BodylessHeadIT.
     */
    static final Set<String> NOT_COMPARED = Set.of("date", "content-length", "content-type", "transfer-encoding",
            "connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer", "x-powered-by", "server",
            "x-http-code", "x-http-content-type", "x-http-content-length", "grpc-status", "grpc-message", "grpc-encoding",
            "grpc-accept-encoding");

    /** Echo fields that describe the transport, not the request. */
    static final Set<String> ECHO_TRANSPORT_FIELDS = Set.of("headers", "protocol");

    static HttpBodyClient sameHost;

    @BeforeAll
    static void connectWithHttpAuthority() {
        sameHost = HttpBodyClient.connect(server.grpcPort(), "127.0.0.1:" + server.httpPort());
    }

    @AfterAll
    static void closeSameHost() {
        if (sameHost != null) {
            sameHost.close();
        }
    }

    record Case(String name, String method, String path, String contentType, byte[] body, String... headers) {
        @Override
        public String toString() {
            return name + " (" + method + " " + path + ")";
        }
    }

    static Stream<Case> cases() {
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 7 + i / 256);
        }
        byte[] none = new byte[0];
        return Stream.of(
                new Case("echo GET with query", "GET", "/app/echo?p=a%2Fb&q=1+2&u=%C3%A9t%C3%A9", null, none,
                        "accept", "application/json", "x-custom", "v1"),
                new Case("echo HEAD", "HEAD", "/app/echo?x=1", null, none),
                new Case("echo form POST", "POST", "/app/echo", "application/x-www-form-urlencoded",
                        utf8Bytes("user=alice&note=caf%C3%A9+au+lait&x=1&x=2")),
                new Case("echo JSON PUT", "PUT", "/app/echo", "application/json", utf8Bytes("{\"a\":[1,2],\"s\":\"é\"}")),
                new Case("echo DELETE", "DELETE", "/app/echo?id=7", null, none),
                new Case("echo PATCH text", "PATCH", "/app/echo", "text/plain;charset=UTF-8", utf8Bytes("patch me")),
                new Case("echo OPTIONS", "OPTIONS", "/app/echo", null, none),
                new Case("upload binary", "POST", "/app/upload", "application/octet-stream", binary),
                new Case("status 204", "GET", "/app/status?code=204", null, none),
                new Case("status 404", "GET", "/app/status?code=404", null, none),
                new Case("status 503", "GET", "/app/status?code=503", null, none),
                new Case("redirect", "GET", "/app/redirect", null, none),
                new Case("cookies", "GET", "/app/cookies", null, none),
                new Case("container 404", "GET", "/app/missing/page.html", null, none),
                new Case("application exception", "GET", "/app/fail", null, none),
                new Case("bytes 100000", "GET", "/app/bytes?size=100000", null, none),
                new Case("chunked without length", "GET", "/app/chunks?n=4", null, none),
                new Case("login", "POST", "/app/login", "application/x-www-form-urlencoded",
                        utf8Bytes("user=alice&password=secret")),
                new Case("bad login", "POST", "/app/login", "application/x-www-form-urlencoded",
                        utf8Bytes("user=alice&password=nope")),
                new Case("private without session", "GET", "/app/private", null, none),
                new Case("GET on POST-only servlet (405)", "GET", "/app/login", null, none),
                new Case("context root without slash", "GET", "/app", null, none));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void directAndConnectorAgree(Case c) {
        HttpResponse<byte[]> d = direct(c.method, c.path, c.contentType, c.body, c.headers);

        Request req = Request.of(c.method, c.path).body(c.contentType, c.body);
        for (int i = 0; i + 1 < c.headers.length; i += 2) {
            req.header(c.headers[i], c.headers[i + 1]);
        }
        Response g = sameHost.handle(req);
        assertCleanMetadata(g);
        assertTrue(g.ok(), () -> c + ": gRPC status " + g);

        assertEquals(d.statusCode(), g.httpCode(), () -> c + ": status");
        assertEquals(normalize(d.headers().map()), normalize(metadataMap(g.headers())), () -> c + ": headers");
        assertEquals(d.headers().firstValue("content-type").orElse(""), g.contentType(), () -> c + ": content type");

        if (c.path.startsWith("/app/echo") && !c.method.equals("HEAD")) {
            assertEquals(echoView(d.body(), c.body.length), echoView(g.data(), c.body.length),
                    () -> c + ": what the servlet saw");
        } else {
            assertArrayEquals(d.body(), g.data(), () -> c + ": body\n direct: " + preview(d.body()) + "\n   gRPC: " + preview(g.data()));
        }
    }

    static Map<String, List<String>> metadataMap(Metadata md) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String k : md.keys()) {
            if (k.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                continue;
            }
            List<String> values = new ArrayList<>();
            md.getAll(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER)).forEach(values::add);
            out.put(k, values);
        }
        return out;
    }

    static Map<String, List<String>> normalize(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new TreeMap<>();
        headers.forEach((k, v) -> {
            String name = k.toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || NOT_COMPARED.contains(name)) {
                return;
            }
            List<String> values = v.stream().map(x -> x.replaceAll("JSESSIONID=[^;]*", "JSESSIONID=*")).toList();
            out.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values);
        });
        return out;
    }

    /**
     * The echo JSON without the fields that describe the transport. An unannounced length
     * (-1) counts as the length actually sent: HTTP/2 and gRPC need no Content-Length.
     */
    static Map<String, Object> echoView(byte[] body, int sentLength) {
        Map<String, Object> echo = new TreeMap<>(MiniJson.object(new String(body, StandardCharsets.UTF_8)));
        ECHO_TRANSPORT_FIELDS.forEach(echo::remove);
        if (Long.valueOf(-1).equals(echo.get("contentLength"))) {
            echo.put("contentLength", (long) sentLength);
        }
        return echo;
    }

    static byte[] utf8Bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String preview(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 400), StandardCharsets.UTF_8);
        return b.length + " bytes: " + s.replace("\n", "\\n") + (b.length > 400 ? "..." : "");
    }

    @SuppressWarnings("unused")
    private static String show(byte[] b) {
        return Arrays.toString(b);
    }
}
