package dev.grpcconnector.edge;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The development edge against the contract's test vectors (research/envoy-contract.md),
 * with a scripted gRPC backend ({@link FakeBackend}) that answers exactly as a vector says
 * and records exactly what the edge sent. A browser is played by
 * {@code java.net.http.HttpClient} (HTTP/1.1) or, where it cannot say what is needed, a
 * raw socket. Every test names its vector.
 */
class EdgeContractTest {

    static final long WAIT_SECONDS = 30;

    FakeBackend backend;
    DevEdge edge;
    HttpClient browser;

    @BeforeEach
    void start() throws IOException {
        backend = new FakeBackend();
        edge = DevEdge.start("--port=0", "--backend=127.0.0.1:" + backend.port());
        browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            browser.close();
            edge.close();
        } finally {
            backend.close();
        }
    }

    // ------------------------------------------------------------------ request side

    @Test
    void q1GetWithQueryKeepsTheWholeTargetAndSendsOneEmptyMessage() throws Exception {
        backend.script(ok(HttpBody.newBuilder().setContentType("text/plain").build()));
        String target = "/a/b?q=a%20b&x=1&x=2&flag&c.d=3";
        send(get(target));

        FakeBackend.Received r = backend.only();
        assertEquals("grpcconnector.v1.HttpService/Stream", r.method());
        assertEquals(List.of("GET"), all(r.metadata(), "x-envoy-original-method"));
        assertEquals(List.of(target), all(r.metadata(), "x-envoy-original-path"));
        assertEquals("127.0.0.1:" + edge.port(), r.authority(), "Host becomes :authority");
        assertEquals(List.of(), all(r.metadata(), "content-length"));
        assertEquals(List.of(), all(r.metadata(), "host"));
        assertEquals(List.of("http"), all(r.metadata(), "x-forwarded-proto"));
        assertEquals(List.of("127.0.0.1"), all(r.metadata(), "x-forwarded-for"));
        assertEquals(1, r.messages().size(), "exactly one message for a request without a body (fact 7)");
        assertEquals(HttpBody.getDefaultInstance(), r.messages().get(0));
    }

    @Test
    void q2FormPostSendsTheContentTypeInTheFirstMessageOnly() throws Exception {
        backend.script(ok(HttpBody.newBuilder().setContentType("text/plain").build()));
        send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Forwarded-For", "203.0.113.7")
                .POST(HttpRequest.BodyPublishers.ofString("u=a&p=b")));

        FakeBackend.Received r = backend.only();
        assertEquals(List.of("POST"), all(r.metadata(), "x-envoy-original-method"));
        assertEquals("application/x-www-form-urlencoded", r.messages().get(0).getContentType());
        assertEquals("u=a&p=b", data(r.messages()).toStringUtf8());
        for (HttpBody m : r.messages().subList(1, r.messages().size())) {
            assertEquals("", m.getContentType());
        }
        assertFalse(all(r.metadata(), "content-type").contains("application/x-www-form-urlencoded"),
                "the browser's content type travels in the HttpBody only");
        assertEquals(List.of("203.0.113.7, 127.0.0.1"), all(r.metadata(), "x-forwarded-for"),
                "the client address is appended");
    }

    @Test
    void q5SpoofedEnvoyHeadersAreDroppedAsTheProductionConfigDoes() throws Exception {
        backend.script(ok(HttpBody.newBuilder().setContentType("text/plain").build()));
        send(get("/").header("X-Envoy-Original-Method", "DELETE").header("X-Envoy-Original-Path", "/admin")
                .header("X-Forwarded-Host", "evil.example").header("X-Forwarded-Proto", "https"));

        Metadata md = backend.only().metadata();
        assertEquals(List.of("GET"), all(md, "x-envoy-original-method"));
        assertEquals(List.of("/"), all(md, "x-envoy-original-path"));
        assertEquals(List.of(), all(md, "x-forwarded-host"));
        assertEquals(List.of("http"), all(md, "x-forwarded-proto"));
    }

    @Test
    void withoutASecretFileTheEdgeSendsNoCredentialAndNeverTheBrowsers() throws Exception {
        backend.script(ok(HttpBody.newBuilder().setContentType("text/plain").build()));
        send(get("/").header("X-Grpc-Connector-Secret", "forged-by-the-browser-0123456789"));
        assertEquals(List.of(), all(backend.only().metadata(), DevEdge.SECRET_HEADER));
    }

    @Test
    void withASecretFileEveryCallCarriesExactlyTheEdgesSecret(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "ZWRnZS1zZWNyZXQtZm9yLXRlc3Rz\n");
        edge.close();
        edge = DevEdge.start("--port=0", "--backend=127.0.0.1:" + backend.port(), "--secret-file=" + file);
        backend.script(ok(HttpBody.newBuilder().setContentType("text/plain").build()));
        send(get("/").header("X-Grpc-Connector-Secret", "forged-by-the-browser-0123456789"));
        assertEquals(List.of("ZWRnZS1zZWNyZXQtZm9yLXRlc3Rz"), all(backend.only().metadata(), DevEdge.SECRET_HEADER));
    }

    @ParameterizedTest(name = "Q6 {0}")
    @CsvSource({"HEAD", "OPTIONS", "PATCH", "DELETE"})
    void q6AnyMethodWithoutABodyIsOneEmptyMessage(String method) throws Exception {
        backend.script(ok(HttpBody.newBuilder().setContentType("text/plain").build()));
        send(HttpRequest.newBuilder(uri("/x")).method(method, HttpRequest.BodyPublishers.noBody()));

        FakeBackend.Received r = backend.only();
        assertEquals(List.of(method), all(r.metadata(), "x-envoy-original-method"));
        assertEquals(List.of(HttpBody.getDefaultInstance()), r.messages());
    }

    @Test
    void q8LargeUploadStreamsInMessagesOfAtMostOneMebibyte() throws Exception {
        byte[] body = pattern(5 * 1024 * 1024 / 2);
        backend.script(ok(HttpBody.newBuilder().setContentType("text/plain").build()));
        send(HttpRequest.newBuilder(uri("/upload")).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));

        List<HttpBody> messages = backend.only().messages();
        assertTrue(messages.size() >= 3, "2.5 MiB cannot fit in fewer than 3 messages of 1 MiB: " + messages.size());
        assertEquals("application/octet-stream", messages.get(0).getContentType());
        for (int i = 0; i < messages.size(); i++) {
            assertTrue(messages.get(i).getData().size() <= BrowserCall.MAX_REQUEST_MESSAGE, "message " + i);
            if (i > 0) {
                assertEquals("", messages.get(i).getContentType(), "content_type on the first message only");
            }
        }
        assertArrayEquals(body, data(messages).toByteArray());
    }

    // ----------------------------------------------------------------- response side

    @Test
    void r1RedirectWithTwoCookies() throws Exception {
        Metadata md = metadata("x-http-code", "302", "location", "/next", "set-cookie", "a=1; Path=/",
                "set-cookie", "b=2; Path=/");
        backend.script(call -> {
            call.sendHeaders(md);
            call.sendMessage(HttpBody.newBuilder().setContentType("text/html").build());
            call.close(Status.OK, new Metadata());
        });
        HttpResponse<byte[]> r = send(get("/login"));

        assertEquals(302, r.statusCode());
        assertEquals(List.of("/next"), r.headers().allValues("location"));
        assertEquals(List.of("a=1; Path=/", "b=2; Path=/"), r.headers().allValues("set-cookie"));
        assertEquals(List.of("text/html"), r.headers().allValues("content-type"));
        assertEquals(0, r.body().length);
        assertEquals(List.of(), r.headers().allValues("x-http-code"), "the Lua filter's header is not the browser's");
    }

    @Test
    void r2HtmlBody() throws Exception {
        backend.script(ok(HttpBody.newBuilder().setContentType("text/html").setData(utf8("<h1>hi</h1>")).build()));
        HttpResponse<byte[]> r = send(get("/"));

        assertEquals(200, r.statusCode());
        assertEquals(List.of("text/html"), r.headers().allValues("content-type"));
        assertEquals("<h1>hi</h1>", new String(r.body(), StandardCharsets.UTF_8));
        r.headers().firstValue("content-length").ifPresent(length -> assertEquals("11", length));
    }

    @Test
    void r3TrailersOnlyErrorBecomesJsonStatus() throws Exception {
        backend.script(call -> call.close(Status.NOT_FOUND.withDescription("nope"), new Metadata()));
        HttpResponse<byte[]> r = send(get("/missing"));

        assertEquals(404, r.statusCode());
        assertEquals(List.of("application/json"), r.headers().allValues("content-type"));
        assertEquals("{\"code\":5,\"message\":\"nope\",\"details\":[]}", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(), r.headers().allValues("grpc-status"));
        assertEquals(List.of(), r.headers().allValues("grpc-message"));
    }

    @Test
    void r3ErrorAfterHeadersButBeforeAnyMessageIsConvertedToo() throws Exception {
        backend.script(call -> {
            call.sendHeaders(metadata("x-app", "1"));
            call.close(Status.PERMISSION_DENIED.withDescription("no \"way\""), new Metadata());
        });
        HttpResponse<byte[]> r = send(get("/"));

        assertEquals(403, r.statusCode());
        assertEquals(List.of("1"), r.headers().allValues("x-app"));
        assertEquals("{\"code\":7,\"message\":\"no \\\"way\\\"\",\"details\":[]}", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void r4StreamingErrorAfterTheFirstMessageKeepsTheStatusAlreadySent() throws Exception {
        // Fact 10: once the headers went out with the first message, a later error cannot
        // change the status. (Fact 15, the mapped status with the HttpBody as the body, holds
        // when the error is already known at the first message: ResponseHeadTest.)
        CountDownLatch firstReceived = new CountDownLatch(1);
        backend.script(call -> {
            call.sendHeaders(new Metadata());
            call.sendMessage(HttpBody.newBuilder().setContentType("text/html").setData(utf8("<p>x</p>")).build());
            assertTrue(firstReceived.await(WAIT_SECONDS, TimeUnit.SECONDS), "the browser never got the first message");
            call.close(Status.NOT_FOUND.withDescription("late"), new Metadata());
        });
        HttpResponse<InputStream> r = browser.send(get("/").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        try (InputStream in = r.body()) {
            assertEquals("<p>x</p>", new String(in.readNBytes(8), StandardCharsets.UTF_8));
            firstReceived.countDown();
            assertEquals(-1, in.read(), "the body ends after the first message");
        }
    }

    @Test
    void r5EmptyMessageIsAnEmptyJsonResponse() throws Exception {
        backend.script(ok(HttpBody.getDefaultInstance()));
        HttpResponse<byte[]> r = send(get("/"));

        assertEquals(200, r.statusCode());
        assertEquals(List.of("application/json"), r.headers().allValues("content-type"));
        assertEquals(0, r.body().length);
    }

    @Test
    void r6TrailersAreNeverResponseHeaders() throws Exception {
        backend.script(call -> {
            call.sendHeaders(new Metadata());
            call.sendMessage(HttpBody.newBuilder().setContentType("text/plain").setData(utf8("ok")).build());
            call.close(Status.OK, metadata("x-t", "1"));
        });
        HttpResponse<byte[]> r = send(get("/"));

        assertEquals(200, r.statusCode());
        assertEquals(List.of(), r.headers().allValues("x-t"));
        assertEquals("ok", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void r7ServerStreamingIsChunkedAndEachMessageArrivesAtOnce() throws Exception {
        CountDownLatch firstReceived = new CountDownLatch(1);
        backend.script(call -> {
            call.sendHeaders(new Metadata());
            call.sendMessage(HttpBody.newBuilder().setContentType("text/event-stream").setData(utf8("a")).build());
            // The second message only after the browser has read the first: the first must
            // reach it while the response is still open.
            assertTrue(firstReceived.await(WAIT_SECONDS, TimeUnit.SECONDS), "the browser never got the first message");
            call.sendMessage(HttpBody.newBuilder().setData(utf8("b")).build());
            call.close(Status.OK, new Metadata());
        });
        HttpResponse<InputStream> r = browser.send(get("/events").build(), HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, r.statusCode());
        assertEquals(List.of("text/event-stream"), r.headers().allValues("content-type"));
        assertEquals(List.of("chunked"), r.headers().allValues("transfer-encoding"));
        try (InputStream in = r.body()) {
            assertEquals('a', in.read());
            firstReceived.countDown();
            assertEquals("b", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "R8 gRPC {0} -> HTTP {1}")
    @CsvSource({"1,499", "2,500", "3,400", "4,504", "5,404", "6,409", "7,403", "8,429", "9,400", "10,409",
            "11,400", "12,501", "13,500", "14,503", "15,500", "16,401"})
    void r8TrailersOnlyStatusMapping(int grpcCode, int httpStatus) throws Exception {
        backend.script(call -> call.close(Status.fromCodeValue(grpcCode).withDescription("m"), new Metadata()));
        HttpResponse<byte[]> r = send(get("/"));

        assertEquals(httpStatus, r.statusCode());
        assertEquals("{\"code\":" + grpcCode + ",\"message\":\"m\",\"details\":[]}", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void r8OkWithoutMessageIsTheCustomStatusWithAnEmptyBody() throws Exception {
        backend.script(call -> {
            call.sendHeaders(metadata("x-http-code", "204"));
            call.close(Status.OK, new Metadata());
        });
        HttpResponse<byte[]> r = send(get("/"));

        assertEquals(204, r.statusCode());
        assertEquals(0, r.body().length);
    }

    // ------------------------------------------------------- answered by the edge itself

    @Test
    void healthFollowsTheBackendsHealthCheck() throws Exception {
        backend.health.setStatus(EdgeHandler.HEALTH_SERVICE, ServingStatus.SERVING);
        assertEquals(200, send(get("/health")).statusCode());
        backend.health.setStatus(EdgeHandler.HEALTH_SERVICE, ServingStatus.NOT_SERVING);
        assertEquals(503, send(get("/health")).statusCode());
        assertEquals(List.of(), backend.received, "/health never reaches the application");
    }

    @Test
    void directGrpcCallsGet404AndNeverReachTheBackend() throws Exception {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri("/grpcconnector.v1.HttpService/Stream"))
                .header("Content-Type", "application/grpc").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[5])));

        assertEquals(404, r.statusCode());
        assertEquals(List.of(), backend.received);
    }

    @Test
    void http10Gets426() throws Exception {
        String response = raw("GET / HTTP/1.0\r\n\r\n");
        assertTrue(response.startsWith("HTTP/1.1 426"), response);
        assertEquals(List.of(), backend.received);
    }

    @Test
    void headResponseHasNoBody() throws Exception {
        backend.script(ok(HttpBody.newBuilder().setContentType("text/html").setData(utf8("<h1>hi</h1>")).build()));
        String response = raw("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertTrue(response.endsWith("\r\n\r\n"), "no body after the header block: " + response);
    }

    @Test
    void headGetsTheApplicationsTypeAndLengthAsTheLuaFilterRestoresThem() throws Exception {
        // What the connector sends for HEAD of a 218-byte page on Stream: the type in one
        // empty message and the application's own content headers in the metadata.
        backend.script(call -> {
            call.sendHeaders(metadata("x-http-code", "200", "etag", "W/\"218-1\"",
                    "x-http-content-type", "text/html", "x-http-content-length", "218"));
            call.sendMessage(HttpBody.newBuilder().setContentType("text/html").build());
            call.close(Status.OK, new Metadata());
        });
        String response = raw("HEAD /page.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        String head = response.toLowerCase(java.util.Locale.ROOT);
        assertTrue(head.contains("\r\ncontent-length: 218\r\n"), response);
        assertTrue(head.contains("\r\ncontent-type: text/html\r\n"), response);
        assertTrue(head.contains("\r\netag: w/\"218-1\"\r\n"), response);
        assertFalse(head.contains("x-http-"), response);
        assertTrue(response.endsWith("\r\n\r\n"), "no body after the header block: " + response);
    }

    @Test
    void notModifiedWithoutTypeHasNoContentType() throws Exception {
        // A 304 from GlassFish has no Content-Type: the transcoder's application/json
        // default would overwrite the browser's cached type (RFC 9111 §4.3.4).
        backend.script(call -> {
            call.sendHeaders(metadata("x-http-code", "304", "etag", "W/\"218-1\"", "x-http-content-type", ""));
            call.close(Status.OK, new Metadata());
        });
        HttpResponse<byte[]> r = send(get("/page.html").header("If-None-Match", "W/\"218-1\""));

        assertEquals(304, r.statusCode());
        assertEquals(List.of(), r.headers().allValues("content-type"));
        assertEquals(List.of("W/\"218-1\""), r.headers().allValues("etag"));
        assertEquals(List.of(), r.headers().allValues("x-http-content-type"));
    }

    @Test
    void declaredLengthNeverReachesAResponseWithABody() throws Exception {
        backend.script(call -> {
            call.sendHeaders(metadata("x-http-content-length", "3"));
            call.sendMessage(HttpBody.newBuilder().setContentType("text/plain").setData(utf8("0123456789")).build());
            call.close(Status.OK, new Metadata());
        });
        HttpResponse<byte[]> r = send(get("/"));

        assertEquals("0123456789", new String(r.body(), StandardCharsets.UTF_8));
        r.headers().firstValue("content-length").ifPresent(length -> assertEquals("10", length));
    }

    @Test
    void browserGoingAwayCancelsTheCall() throws Exception {
        backend.script(call -> {
            call.sendHeaders(new Metadata());
            // Keep writing until the edge, failing to write to the closed browser
            // connection, cancels the call (bounded). onCancel follows once this returns.
            for (int i = 0; i < 100_000 && !call.isCancelled(); i++) {
                call.sendMessage(HttpBody.newBuilder().setContentType("text/plain").setData(utf8("tick\n")).build());
                Thread.sleep(1);
            }
        });
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.getOutputStream().write("GET /ticks HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals('H', socket.getInputStream().read(), "the response started");
        }
        assertTrue(backend.cancelled.await(WAIT_SECONDS * 4, TimeUnit.SECONDS), "the backend's call was not cancelled");
    }

    // ------------------------------------------------------------------------ helpers

    static FakeBackend.Script ok(HttpBody message) {
        return call -> {
            call.sendHeaders(new Metadata());
            call.sendMessage(message);
            call.close(Status.OK, new Metadata());
        };
    }

    HttpRequest.Builder get(String target) {
        return HttpRequest.newBuilder(uri(target)).GET();
    }

    URI uri(String target) {
        return URI.create("http://127.0.0.1:" + edge.port() + target);
    }

    HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return browser.send(request.timeout(Duration.ofSeconds(WAIT_SECONDS)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", edge.port())) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(response);
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static List<String> all(Metadata md, String name) {
        List<String> values = new ArrayList<>();
        Iterable<String> all = md.getAll(RequestMetadata.ascii(name));
        if (all != null) {
            all.forEach(values::add);
        }
        return values;
    }

    static Metadata metadata(String... namesAndValues) {
        Metadata md = new Metadata();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            md.put(RequestMetadata.ascii(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return md;
    }

    static ByteString data(List<HttpBody> messages) {
        ByteString all = ByteString.EMPTY;
        for (HttpBody m : messages) {
            all = all.concat(m.getData());
        }
        return all;
    }

    static ByteString utf8(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ((i * 31L + 7) & 0xff);
        }
        return b;
    }
}
