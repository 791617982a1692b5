package dev.grpcconnector.it;

import dev.grpcconnector.edge.DevEdge;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import io.grpc.Metadata;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HEAD, 204 and 304 (issue 10.8): the head a browser gets for a response without a body,
 * directly over HTTP/1.1 and through the connector, must be the same, Content-Type and
 * Content-Length included.
 *
 * <p>Three arms per request. <b>Direct</b>: GlassFish's HTTP listener, the reference.
 * <b>Connector</b>: {@code Stream} (the method Envoy's catch-all uses) and {@code Handle},
 * checked for what Envoy's transcoder and the Lua filter of {@code envoy/envoy.yaml} need
 * to rebuild the direct head: {@code x-http-code}, the application's headers, one
 * message with the type and no data when there is a type ({@code Stream}), and the
 * application's own {@code x-http-content-type} / {@code x-http-content-length}.
 * <b>Development edge</b>: a browser's request through {@code dev-edge} (which does what
 * the transcoder and the Lua filter do), compared header by header with the direct head.
 *
 * <p>The 304s are real conditional GETs of a static file served by the container's
 * default servlet, with the validators the direct GET returned.
 */
class BodylessHeadIT extends ConnectorTestBase {

    /**
     * Differ by nature between two responses: when they were made, framing, and the product
     * banner (GlassFish's HTTP listener adds {@code server} and {@code x-powered-by}, its
     * gRPC listener does not; DifferentialIT leaves them out too).
     */
    static final Set<String> NOT_COMPARED = Set.of("date", "connection", "keep-alive", "transfer-encoding", "server",
            "x-powered-by");

    static final String PAGE = "/app/static/page.html";

    static DevEdge edge;
    static HttpBodyClient sameHost;

    @BeforeAll
    static void start() throws IOException {
        edge = DevEdge.start("--port=0", "--backend=127.0.0.1:" + server.grpcPort(), "--secret-file=" + server.edgeSecretFile());
        sameHost = HttpBodyClient.connect(server.grpcPort(), "127.0.0.1:" + server.httpPort());
    }

    @AfterAll
    static void stop() {
        if (edge != null) {
            edge.close();
            edge = null;
        }
        if (sameHost != null) {
            sameHost.close();
        }
    }

    record Case(String name, String method, String path, int expectedStatus, String... headers) {
        @Override
        public String toString() {
            return name + " (" + method + " " + path + ")";
        }
    }

    static Stream<Case> cases() {
        HttpResponse<byte[]> page = direct("GET", PAGE, null, null);
        String etag = page.headers().firstValue("etag").orElseThrow(() -> new AssertionError("no ETag: " + page.headers()));
        String lastModified = page.headers().firstValue("last-modified")
                .orElseThrow(() -> new AssertionError("no Last-Modified: " + page.headers()));
        return Stream.of(
                new Case("HEAD of a static page", "HEAD", PAGE, 200),
                new Case("HEAD of a servlet with Content-Length", "HEAD", "/app/bytes?size=1000", 200),
                new Case("204 from a servlet", "GET", "/app/status?code=204", 204),
                new Case("HEAD of a 204", "HEAD", "/app/status?code=204", 204),
                new Case("304 for If-None-Match", "GET", PAGE, 304, "If-None-Match", etag),
                new Case("304 for If-Modified-Since", "GET", PAGE, 304, "If-Modified-Since", lastModified),
                new Case("HEAD with If-None-Match", "HEAD", PAGE, 304, "If-None-Match", etag),
                new Case("304 written by a servlet", "GET", "/app/status?code=304", 304));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void connectorCarriesTheDirectHead(Case c) {
        HttpResponse<byte[]> d = direct(c.method, c.path, null, null, c.headers);
        assertEquals(c.expectedStatus, d.statusCode(), () -> c + ": direct " + d.headers().map());
        assertEquals(0, d.body().length, () -> c + ": direct body");
        Optional<String> type = d.headers().firstValue("content-type");
        Optional<String> length = d.headers().firstValue("content-length");

        Request request = Request.of(c.method, c.path);
        for (int i = 0; i + 1 < c.headers.length; i += 2) {
            request.header(c.headers[i], c.headers[i + 1]);
        }
        StreamResponse s = sameHost.stream(request);
        assertCleanMetadata(s.asResponse());
        assertTrue(s.ok(), () -> c + ": Stream " + s);
        assertEquals(d.statusCode(), s.httpCode(), () -> c + ": Stream x-http-code " + s);
        assertEquals(DifferentialIT.normalize(d.headers().map()), DifferentialIT.normalize(DifferentialIT.metadataMap(s.headers())),
                () -> c + ": Stream headers");
        assertDeclaredContentHeaders(c, s.headers(), type, length);
        // Envoy sets the browser's Content-Type from the first message with content
        // (contract fact 10): one message with the type and no data, or none without a type.
        assertEquals(type.isPresent() ? 1 : 0, s.messages().size(), () -> c + ": Stream messages " + s);
        if (type.isPresent()) {
            assertEquals(type.get(), s.messages().get(0).getContentType(), () -> c + ": Stream content type");
            assertTrue(s.messages().get(0).getData().isEmpty(), () -> c + ": Stream data " + s);
        }

        Response h = sameHost.handle(request);
        assertCleanMetadata(h);
        assertTrue(h.ok(), () -> c + ": Handle " + h);
        assertEquals(d.statusCode(), h.httpCode(), () -> c + ": Handle x-http-code " + h);
        assertEquals(type.orElse(""), h.contentType(), () -> c + ": Handle content type");
        assertEquals(0, h.data().length, () -> c + ": Handle data");
        assertDeclaredContentHeaders(c, h.headers(), type, length);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void browserGetsTheDirectHeadThroughTheDevelopmentEdge(Case c) {
        HttpResponse<byte[]> d = direct(c.method, c.path, null, null, c.headers);
        HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + edge.port() + c.path))
                .timeout(EdgeContractIT.PATIENCE).method(c.method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i + 1 < c.headers.length; i += 2) {
            b.header(c.headers[i], c.headers[i + 1]);
        }
        HttpResponse<byte[]> e = send(b.build());

        assertEquals(d.statusCode(), e.statusCode(), () -> c + ": status through the edge " + e.headers().map());
        assertEquals(head(d), head(e), () -> c + ": head through the edge");
        assertEquals(0, e.body().length, () -> c + ": body through the edge");
    }

    /** The Lua filter's inputs: the application's type (empty for none) and, for HEAD and 304, its length. */
    private static void assertDeclaredContentHeaders(Case c, Metadata md, Optional<String> type, Optional<String> length) {
        assertEquals(List.of(type.orElse("")), values(md, "x-http-content-type"), () -> c + ": x-http-content-type " + md);
        assertEquals(length.map(List::of).orElse(List.of()), values(md, "x-http-content-length"),
                () -> c + ": x-http-content-length " + md);
    }

    private static List<String> values(Metadata md, String name) {
        List<String> out = new ArrayList<>();
        Iterable<String> all = md.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
        if (all != null) {
            all.forEach(out::add);
        }
        return out;
    }

    /** Every header line, lower-cased names, without the ones that differ by nature. */
    private static Map<String, List<String>> head(HttpResponse<byte[]> r) {
        Map<String, List<String>> out = new TreeMap<>();
        r.headers().map().forEach((name, v) -> {
            String n = name.toLowerCase(Locale.ROOT);
            if (!n.startsWith(":") && !NOT_COMPARED.contains(n)) {
                out.computeIfAbsent(n, k -> new ArrayList<>()).addAll(v);
            }
        });
        assertFalse(out.keySet().stream().anyMatch(n -> n.startsWith("x-http-")), () -> "the Lua filter's headers leaked: " + out);
        return out;
    }
}
