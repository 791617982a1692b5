package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import dev.grpcconnector.it.TestPki.Authority;
import dev.grpcconnector.it.TestPki.Identity;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Mutual TLS as the edge's credential (issue 9, docs/security.md), on a second domain
 * whose gRPC listener runs the connector's own TLS: h2 over TLS (ALPN h2), client
 * certificates required and verified against the listener's truststore (one test CA),
 * and an allow-list of one SPIFFE ID and one subject DN. No shared secret at first: the
 * certificate alone is the credential. Every certificate is generated for this run
 * ({@link TestPki}). The last tests reconfigure the listener (secret and TLS both; an
 * unusable TLS configuration) and restart the domain.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MutualTlsIT {
    private static final String DOMAIN = "grpc-it-mtls";
    private static final String SPIFFE_ID = "spiffe://grpc-connector.test/edge/envoy";
    private static final String EDGE_SUBJECT = "CN=edge-by-subject,O=grpc-connector-tests";
    private static final String HTTP = "configs.config.server-config.network-config.protocols.protocol."
            + GlassFishServer.LISTENER + ".http.";

    private static GlassFishServer gf;
    private static Path pkiDir;
    private static Authority ca;
    private static TrustManagerFactory trustCa;
    /** On the allow-list by its URI SAN. */
    private static Identity edgeBySpiffeId;
    /** On the allow-list by its subject (no URI SAN). */
    private static Identity edgeBySubject;
    /** Signed by the listener's CA, but on no allow-list. */
    private static Identity stranger;
    /** The allowed subject and SPIFFE ID, but from another CA. */
    private static Identity foreign;

    @BeforeAll
    static void startTheTlsDomain() throws IOException {
        pkiDir = Path.of(System.getProperty("it.work.dir", "target/it-work")).toAbsolutePath().resolve("mtls-pki");
        TestPki pki = TestPki.in(pkiDir);
        ca = pki.authority("edge CA");
        Authority other = pki.authority("other CA");
        Identity listener = ca.server("listener");
        Identity truststore = ca.truststore("listener-truststore");
        edgeBySpiffeId = ca.client("edge-spiffe", "CN=edge-envoy,O=grpc-connector-tests", SPIFFE_ID);
        edgeBySubject = ca.client("edge-subject", EDGE_SUBJECT, null);
        stranger = ca.client("stranger", "CN=stranger,O=grpc-connector-tests", "spiffe://grpc-connector.test/stranger");
        foreign = other.client("foreign", "CN=edge-envoy,O=grpc-connector-tests", SPIFFE_ID);
        trustCa = ca.trustManagers();

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("grpc-connector-secret-file", ""); // no shared secret: the certificate is the credential
        properties.put("grpc-connector-tls-keystore", listener.keystore().toString());
        properties.put("grpc-connector-tls-keystore-password-file", listener.passwordFile().toString());
        properties.put("grpc-connector-tls-truststore", truststore.keystore().toString());
        properties.put("grpc-connector-tls-truststore-password-file", truststore.passwordFile().toString());
        properties.put("grpc-connector-allowed-client-identities", SPIFFE_ID + ";" + EDGE_SUBJECT);
        gf = GlassFishServer.secondDomain(DOMAIN).securityEnabled();
        try {
            gf.startSecond(Map.of(), properties);
        } catch (RuntimeException | Error e) {
            gf.destroy();
            throw e;
        }
    }

    @AfterAll
    static void destroy() {
        if (gf != null) {
            gf.destroy();
        }
    }

    @Test
    @Order(1)
    void anAllowedCertificateAloneReachesTheApplicationOverH2AndTls() {
        assertLogSays(0, "callers authenticated by client certificate (mutual TLS, 2 allowed identities); TLS (ALPN h2)");
        for (Identity edge : List.of(edgeBySpiffeId, edgeBySubject)) {
            String id = UUID.randomUUID().toString();
            try (HttpBodyClient client = HttpBodyClient.connectTls(gf.grpcPort(), edge.keyManagers(), trustCa, null)) {
                Response unary = client.handle(probe(id));
                assertTrue(unary.ok(), unary::toString);
                assertEquals(200, unary.httpCode(), unary::toString);
                StreamResponse stream = client.stream(Request.get("/app/echo").forwardedProto("https"));
                assertTrue(stream.ok(), stream::toString);
                assertEquals(Boolean.TRUE, stream.asResponse().json().get("isSecure"), "the edge may set X-Forwarded-Proto");
            }
            assertTrue(probeState(id).contains("read ended after 7 bytes"), "the edge's call reached the application");
        }
    }

    @Test
    @Order(2)
    void withoutAClientCertificateTheHandshakeFails() {
        String id = UUID.randomUUID().toString();
        long logLine = gf.serverLogLineCount();
        try (HttpBodyClient client = HttpBodyClient.connectTls(gf.grpcPort(), null, trustCa, EdgeSecret.CURRENT)) {
            // What a client sees of a refused TLS handshake: the connection fails, no gRPC status from the server.
            assertEquals(Status.Code.UNAVAILABLE, client.handle(probe(id)).status().getCode());
        }
        assertEquals("", probeState(id), "a refused call must never reach the application");
        assertLogSays(logLine, "Listener grpc-listener: connection refused, TLS handshake failed (from /127.0.0.1:");
    }

    @Test
    @Order(3)
    void aCertificateOfAnotherCaIsRefusedInTheHandshakeEvenWithTheAllowedNames() {
        String id = UUID.randomUUID().toString();
        try (HttpBodyClient client = HttpBodyClient.connectTls(gf.grpcPort(), foreign.keyManagers(), trustCa, null)) {
            assertEquals(Status.Code.UNAVAILABLE, client.handle(probe(id)).status().getCode());
        }
        assertEquals("", probeState(id), "a refused call must never reach the application");
    }

    @Test
    @Order(4)
    void aTrustedCertificateNotOnTheAllowListIsUnauthenticatedForEveryCall() throws Exception {
        String id = UUID.randomUUID().toString();
        long logLine = gf.serverLogLineCount();
        try (HttpBodyClient client = HttpBodyClient.connectTls(gf.grpcPort(), stranger.keyManagers(), trustCa,
                EdgeSecret.CURRENT)) {
            Response unary = client.handle(probe(id));
            assertEquals(Status.Code.UNAUTHENTICATED, unary.status().getCode(), unary::toString);
            assertTrue(unary.trailersOnly(), unary::toString);
            assertEquals(Status.Code.UNAUTHENTICATED, client.stream(probe(id)).status().getCode());
            StatusRuntimeException health = FailClosedIT.assertThrowsStatus(() -> HealthGrpc.newBlockingStub(client.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, health.getStatus().getCode(), "health checks need the certificate too");
        }
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestPki.clientContext(stranger, ca)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gf.grpcPort()
                    + "/app/cancel-probe?id=" + id)).POST(HttpRequest.BodyPublishers.ofString("payload"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, r.statusCode(), "plain HTTP/1.1 over TLS is refused too");
        }
        assertEquals("", probeState(id), "a refused call must never reach the application");
        assertLogSays(logLine, "Listener grpc-listener: call refused, unauthenticated: client certificate not in "
                + "grpc-connector-allowed-client-identities (from /127.0.0.1:");
    }

    @Test
    @Order(5)
    void healthChecksNeedTheAllowedCertificateButNoSecret() {
        try (HttpBodyClient checker = HttpBodyClient.connectTls(gf.grpcPort(), edgeBySpiffeId.keyManagers(), trustCa, null)) {
            ServingStatus status = HealthGrpc.newBlockingStub(checker.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService("grpcconnector.v1.HttpService").build()).getStatus();
            assertEquals(ServingStatus.SERVING, status);
        }
    }

    /**
     * HEADERS frames of many streams back to back in one write over TLS, as Envoy's codec
     * batches them: on an allowed connection every stream is served, on a stranger's every
     * one is refused, and neither connection ends in GOAWAY.
     */
    @Test
    @Order(6)
    void batchedStreamsOverTlsAreEachAnsweredByTheirConnectionsCertificate() {
        assertEquals(List.of("0"), batch(edgeBySpiffeId, 24).stream().map(StreamResult::grpcStatus).distinct().toList());
        assertEquals(List.of("16"), batch(stranger, 24).stream().map(StreamResult::grpcStatus).distinct().toList());
    }

    /** nghttp2's client over TLS with ALPN h2 and a client certificate, 8 streams on one connection. */
    @Test
    @Order(7)
    void nghttpWithTheEdgeCertificate() throws Exception {
        Path frame = pkiDir.resolve("echo-frame.bin");
        Files.write(frame, RawH2Client.grpcFrame(false, Request.get("/app/echo").message().toByteArray()));
        String out = nghttp(edgeBySpiffeId, frame);
        assertEquals(8, count(out, "grpc-status: 0"), out);
        assertEquals(8, count(out, "x-http-code: 200"), out);
        assertTrue(out.contains("h2") && !out.contains("HTTP/2 protocol was not selected"), out);
    }

    /** The development edge with the edge's client certificate: a browser's request reaches the application. */
    @Test
    @Order(8)
    void theDevelopmentEdgeConnectsWithMutualTls() throws Exception {
        Identity truststore = ca.truststore("dev-edge-truststore");
        try (dev.grpcconnector.edge.DevEdge edge = dev.grpcconnector.edge.DevEdge.start("--port=0",
                "--backend=127.0.0.1:" + gf.grpcPort(), "--tls-keystore=" + edgeBySpiffeId.keystore(),
                "--tls-keystore-password-file=" + edgeBySpiffeId.passwordFile(), "--tls-truststore=" + truststore.keystore(),
                "--tls-truststore-password-file=" + truststore.passwordFile());
                HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port()
                    + "/app/echo?via=dev-edge")).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r::body);
            assertTrue(r.body().contains("via=dev-edge"), r.body());
        }
    }

    @Test
    @Order(9)
    void withASecretConfiguredTooBothAreRequired() {
        gf.asadminRemote(Duration.ofMinutes(1), "set", HTTP + "property.grpc-connector-secret-file="
                + gf.edgeSecretFile());
        long logLine = gf.serverLogLineCount();
        gf.restart();
        assertLogSays(logLine, "callers authenticated by client certificate (mutual TLS, 2 allowed identities) and "
                + "shared secret in x-grpc-connector-secret (1 accepted)");
        try (HttpBodyClient noSecret = HttpBodyClient.connectTls(gf.grpcPort(), edgeBySpiffeId.keyManagers(), trustCa, null);
                HttpBodyClient both = HttpBodyClient.connectTls(gf.grpcPort(), edgeBySpiffeId.keyManagers(), trustCa,
                        EdgeSecret.CURRENT);
                HttpBodyClient secretOnly = HttpBodyClient.connectTls(gf.grpcPort(), stranger.keyManagers(), trustCa,
                        EdgeSecret.CURRENT)) {
            assertEquals(Status.Code.UNAUTHENTICATED, noSecret.handle(Request.get("/app/echo")).status().getCode());
            Response ok = both.handle(Request.get("/app/echo"));
            assertEquals(200, ok.httpCode(), ok::toString);
            assertFalse(ok.text().contains(EdgeSecret.CURRENT), "the secret never reaches the application");
            assertEquals(Status.Code.UNAUTHENTICATED, secretOnly.handle(Request.get("/app/echo")).status().getCode());
            // Health checks still need the certificate, not the secret (Envoy's health checker cannot send it).
            assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(noSecret.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
        }
    }

    /**
     * A TLS configuration the connector cannot use (here: a wrong truststore password)
     * leaves the listener refusing every request, with a SEVERE line naming the property.
     * The connector's TLS is then not installed, so the listener presents GlassFish's own
     * self-signed certificate, which the edge does not trust: its calls and health checks
     * fail in the TLS handshake (UNAVAILABLE), and Envoy sees the host unhealthy.
     */
    @Test
    @Order(10)
    void anUnusableTlsConfigurationRefusesEverything() throws IOException {
        Path wrong = pkiDir.resolve("wrong.password");
        Files.writeString(wrong, "not-the-password\n", StandardCharsets.US_ASCII);
        gf.asadminRemote(Duration.ofMinutes(1), "set", HTTP + "property.grpc-connector-tls-truststore-password-file="
                + wrong);
        long logLine = gf.serverLogLineCount();
        gf.restart();
        assertLogSays(logLine, "gRPC connector on listener grpc-listener refuses every request: "
                + "grpc-connector-tls-truststore: cannot open");
        try (HttpBodyClient edge = HttpBodyClient.connectTls(gf.grpcPort(), edgeBySpiffeId.keyManagers(), trustCa,
                EdgeSecret.CURRENT)) {
            Response r = edge.handle(Request.get("/app/echo"));
            assertEquals(Status.Code.UNAVAILABLE, r.status().getCode(), r::toString);
            StatusRuntimeException health = FailClosedIT.assertThrowsStatus(() -> HealthGrpc.newBlockingStub(edge.channel())
                    .withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAVAILABLE, health.getStatus().getCode(), "Envoy must see this host unhealthy");
        }
    }

    // ------------------------------------------------------------------------- helpers

    private static Request probe(String id) {
        return Request.of("POST", "/app/cancel-probe?id=" + id).body("text/plain", "payload");
    }

    /** What the probe servlet saw under {@code id}, asked over an allowed connection. */
    private static String probeState(String id) {
        try (HttpBodyClient edge = HttpBodyClient.connectTls(gf.grpcPort(), edgeBySpiffeId.keyManagers(), trustCa,
                EdgeSecret.CURRENT)) {
            Response r = edge.handle(Request.get("/app/cancel-state?id=" + id));
            assertEquals(200, r.httpCode(), r::toString);
            return r.text();
        }
    }

    private static List<StreamResult> batch(Identity identity, int streams) {
        try (RawH2Client h2 = RawH2Client.connectTls(gf.grpcPort(), TestPki.clientContext(identity, ca))) {
            byte[] message = RawH2Client.grpcFrame(false, Request.get("/app/echo").message().toByteArray());
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                int id = h2.newStreamId();
                List<String[]> headers = new ArrayList<>(h2.grpcHeaders("grpcconnector.v1.HttpService/Stream"));
                headers.removeIf(h -> h[0].equals(EdgeSecret.HEADER));
                headers.add(new String[] {"x-envoy-original-method", "GET"});
                headers.add(new String[] {"x-envoy-original-path", "/app/echo?i=" + i});
                h2.queueHeaders(id, headers, false);
                h2.queueData(id, message, true);
                ids.add(id);
            }
            h2.send();
            List<StreamResult> results = new ArrayList<>();
            for (int id : ids) {
                results.add(h2.await(id, Duration.ofSeconds(60)));
            }
            assertNull(h2.goaway(), "no connection error");
            return results;
        }
    }

    private static String nghttp(Identity identity, Path body) throws IOException, InterruptedException {
        List<String> cmd = List.of("nghttp", "-v", "-n", "-m", "8", "--cert", identity.certificatePem().toString(),
                "--key", identity.keyPem().toString(), "-H", "content-type: application/grpc", "-H", "te: trailers",
                "-H", "x-envoy-original-method: GET", "-H", "x-envoy-original-path: /app/echo", "-d", body.toString(),
                "https://127.0.0.1:" + gf.grpcPort() + "/grpcconnector.v1.HttpService/Handle");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "nghttp finished");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void assertLogSays(long fromLine, String text) {
        for (int i = 0; i < 100; i++) {
            if (gf.serverLogSince(fromLine).contains(text)) {
                return;
            }
            GlassFishServer.sleep(200);
        }
        throw new AssertionError("server.log has no '" + text + "':\n" + gf.serverProblemsSince(fromLine, 60));
    }
}
