package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gRPC listener trusts only its edge (issue 9, docs/security.md): on the shared domain
 * (installed by install.sh with a current and a previous secret in password aliases),
 * each defence is shown with the call it stops. "Never reaches the application" is
 * checked with the test webapp's cancel probe: a refused {@code POST /app/cancel-probe?id=X}
 * leaves no trace under that id.
 */
class EdgeAuthenticationIT extends ConnectorTestBase {

    /** Credentials that must all be refused: none, wrong, a prefix, longer, another case. */
    static List<String> badSecrets() {
        List<String> bad = new ArrayList<>();
        bad.add(null);
        bad.add("wrong-secret-of-some-length-0123456789");
        bad.add(EdgeSecret.CURRENT.substring(0, EdgeSecret.CURRENT.length() - 1));
        bad.add(EdgeSecret.CURRENT + "A");
        bad.add(EdgeSecret.CURRENT.substring(0, 16));
        bad.add(EdgeSecret.CURRENT.toUpperCase(java.util.Locale.ROOT).equals(EdgeSecret.CURRENT)
                ? EdgeSecret.CURRENT.toLowerCase(java.util.Locale.ROOT) : EdgeSecret.CURRENT.toUpperCase(java.util.Locale.ROOT));
        return bad;
    }

    private static Request probe(String id) {
        // Every header the application must never take from a stranger.
        return Request.of("POST", "/app/cancel-probe?id=" + id).body("text/plain", "payload")
                .forwardedProto("https").forwardedFor("203.0.113.66").header("x-forwarded-host", "evil.example");
    }

    private static String probeState(String id) {
        return callExpecting(200, Request.get("/app/cancel-state?id=" + id)).text();
    }

    @ParameterizedTest
    @MethodSource("badSecrets")
    void aCallWithoutTheSecretIsUnauthenticatedAndNeverReachesTheApplication(String secret) {
        String id = UUID.randomUUID().toString();
        long logLine = server.serverLogLineCount();
        try (HttpBodyClient stranger = HttpBodyClient.connectWithSecret(server.grpcPort(), secret)) {
            Response unary = stranger.handle(probe(id));
            assertTrailersOnlyError(unary, Status.Code.UNAUTHENTICATED);
            StreamResponse stream = stranger.stream(probe(id));
            assertEquals(Status.Code.UNAUTHENTICATED, stream.status().getCode(), stream::toString);
            assertTrue(stream.messages().isEmpty(), "no response message for a refused call");
        }
        assertEquals("", probeState(id), "a refused call must never reach the application");
        String log = server.serverLogSince(logLine);
        if (secret != null) {
            assertFalse(log.contains(secret), "the presented value must never be logged");
        }
        assertFalse(log.contains(EdgeSecret.CURRENT), "the secret must never be logged");
    }

    @Test
    void theCurrentAndThePreviousSecretAreAcceptedDuringARotation() {
        for (String secret : List.of(EdgeSecret.CURRENT, EdgeSecret.PREVIOUS)) {
            String id = UUID.randomUUID().toString();
            try (HttpBodyClient edge = HttpBodyClient.connectWithSecret(server.grpcPort(), secret)) {
                Response r = edge.handle(probe(id));
                assertTrue(r.ok(), r::toString);
                assertEquals(200, r.httpCode(), r::toString);
            }
            assertTrue(probeState(id).contains("read ended after 7 bytes"), "the edge's call reached the application");
        }
    }

    @Test
    void theApplicationNeverSeesTheCredentialOrTheConnectorsMetadata() {
        Response r = callExpecting(200, Request.get("/app/echo").header("x-custom", "kept"));
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = (Map<String, Object>) r.json().get("headers");
        assertEquals(List.of("kept"), headers.get("x-custom"));
        for (String name : headers.keySet()) {
            assertFalse(name.equals(EdgeSecret.HEADER) || name.startsWith("x-envoy-original-") || name.startsWith("grpc-")
                    || name.equals("te"), () -> "the application saw " + name + ": " + headers);
        }
        assertFalse(r.text().contains(EdgeSecret.CURRENT), "the secret must not reach the application");
    }

    @Test
    void anAuthenticatedCallMaySetTheForwardedHeaders() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo").forwardedProto("https")
                .forwardedFor("203.0.113.7")).json();
        assertEquals(Boolean.TRUE, echo.get("isSecure"));
        assertEquals("https", echo.get("scheme"));
        assertEquals("203.0.113.7", echo.get("remoteAddr"));
    }

    @Test
    void healthChecksNeedNoCredential() {
        try (HttpBodyClient checker = HttpBodyClient.connectWithSecret(server.grpcPort(), null)) {
            ServingStatus status = HealthGrpc.newBlockingStub(checker.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("grpcconnector.v1.HttpService").build()).getStatus();
            assertEquals(ServingStatus.SERVING, status);
        }
    }

    @Test
    void plainHttpOnTheGrpcPortNeedsTheCredentialToo() {
        String id = UUID.randomUUID().toString();
        URI probe = URI.create("http://127.0.0.1:" + server.grpcPort() + "/app/cancel-probe?id=" + id);
        HttpResponse<byte[]> refused = send(HttpRequest.newBuilder(probe).header("X-Forwarded-Proto", "https")
                .POST(HttpRequest.BodyPublishers.ofString("payload")).timeout(Duration.ofSeconds(30)).build());
        assertEquals(403, refused.statusCode());
        HttpResponse<byte[]> wrong = send(HttpRequest.newBuilder(probe).header(EdgeSecret.HEADER, "wrong-secret-0123456789abc")
                .POST(HttpRequest.BodyPublishers.ofString("payload")).timeout(Duration.ofSeconds(30)).build());
        assertEquals(403, wrong.statusCode());
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            int stream = h2.newStreamId();
            h2.headers(stream, List.of(new String[] {":method", "GET"}, new String[] {":scheme", "http"},
                    new String[] {":path", "/app/cancel-probe?id=" + id}, new String[] {":authority", "127.0.0.1"}), true);
            StreamResult r = h2.await(stream, Duration.ofSeconds(30));
            assertEquals("403", r.header(":status"), r::toString);
        }
        assertEquals("", probeState(id), "a refused request must never reach the application");
    }

    /**
     * A refused stream does not disturb the others on the same connection: on one
     * connection, streams without, with a wrong and with the right secret are sent in one
     * go (HEADERS back to back, as nghttp2 and Envoy batch them); each gets its own answer.
     */
    @Test
    void refusedStreamsLeaveTheOthersOnTheConnectionAlone() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            List<Integer> good = new ArrayList<>();
            List<Integer> bad = new ArrayList<>();
            byte[] message = RawH2Client.grpcFrame(false, Request.get("/app/echo").message().toByteArray());
            for (int i = 0; i < 30; i++) {
                int id = h2.newStreamId();
                List<String[]> headers = new ArrayList<>(h2.grpcHeaders("grpcconnector.v1.HttpService/Stream"));
                headers.add(new String[] {"x-envoy-original-method", "GET"});
                headers.add(new String[] {"x-envoy-original-path", "/app/echo?i=" + i});
                if (i % 3 != 0) {
                    headers.removeIf(h -> h[0].equals(EdgeSecret.HEADER));
                    if (i % 3 == 2) {
                        headers.add(new String[] {EdgeSecret.HEADER, "wrong-" + i + "-0123456789abcdef"});
                    }
                    bad.add(id);
                } else {
                    good.add(id);
                }
                h2.headers(id, headers, false);
                h2.data(id, message, true);
            }
            for (int id : bad) {
                StreamResult r = h2.await(id, Duration.ofSeconds(30));
                assertEquals("16", r.grpcStatus(), r::toString);
                assertTrue(r.trailersOnly, r::toString);
            }
            for (int id : good) {
                StreamResult r = h2.await(id, Duration.ofSeconds(30));
                assertEquals("0", r.grpcStatus(), r::toString);
                assertEquals("200", r.header("x-http-code"), r::toString);
            }
            assertNull(h2.goaway(), "no connection error");
        }
    }

    /**
     * The first refusal of a reason is logged with the peer's address, the next ones of the
     * minute are not: 300 calls that repeat the credential header (a client's own value in
     * front of the edge's, the one way to be refused that no other test uses) cost one line.
     */
    @Test
    void aFloodOfRefusedCallsCostsOneLogLine() throws InterruptedException {
        long logLine = server.serverLogLineCount();
        for (int i = 0; i < 300; i++) {
            assertTrailersOnlyError(grpc.handle(Request.get("/app/echo").header(EdgeSecret.HEADER, "forged-by-a-client-" + i)),
                    Status.Code.UNAUTHENTICATED);
        }
        String reason = "more than one " + EdgeSecret.HEADER;
        List<String> lines = List.of();
        for (int wait = 0; wait < 50 && lines.isEmpty(); wait++) {
            Thread.sleep(200); // server.log is written asynchronously
            lines = server.serverLogSince(logLine).lines().filter(l -> l.contains(reason)).toList();
        }
        assertEquals(1, lines.size(), () -> "300 refusals for one reason: " + server.serverLogSince(logLine));
        assertTrue(lines.get(0).contains("/127.0.0.1:"), "the line names the peer: " + lines.get(0));
        assertFalse(server.serverLogSince(logLine).contains("forged-by-a-client"), "presented values are never logged");
    }
}
