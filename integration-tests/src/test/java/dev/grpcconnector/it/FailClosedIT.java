package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Fail closed (issue 9, docs/security.md), on a second domain whose gRPC listener is
 * configured by hand and then reconfigured: without any credential the listener refuses
 * everything (health checks included) and server.log says what to configure; the
 * {@code grpc-connector-insecure} opt-in is refused on a non-loopback address and works,
 * with a WARNING, on 127.0.0.1.
 */
class FailClosedIT {
    private static final String SECOND_DOMAIN = "grpc-it-fail-closed";
    private static final String HTTP = "configs.config.server-config.network-config.protocols.protocol."
            + GlassFishServer.LISTENER + ".http.";
    private static final String LISTENER = "configs.config.server-config.network-config.network-listeners.network-listener."
            + GlassFishServer.LISTENER;

    @Test
    void withoutACredentialTheListenerServesNobodyAndTheInsecureOptInNeedsLoopback() throws Exception {
        GlassFishServer gf = GlassFishServer.secondDomain(SECOND_DOMAIN);
        try {
            // No credential at all: the shared secret file the harness would add is left out.
            gf.startSecond(Map.of(), Map.of("grpc-connector-secret-file", ""));
            assertRefusesEverything(gf, "no way to authenticate the edge (Envoy) is configured");

            // The insecure opt-in on every interface: refused.
            gf.asadminRemote(Duration.ofMinutes(1), "set", HTTP + "property.grpc-connector-insecure=true",
                    LISTENER + ".address=0.0.0.0");
            gf.restart();
            assertRefusesEverything(gf, "grpc-connector-insecure=true is for development on a loopback address only");

            // The insecure opt-in on loopback: every caller is trusted, with a WARNING.
            long logLine = gf.serverLogLineCount();
            gf.asadminRemote(Duration.ofMinutes(1), "set", LISTENER + ".address=127.0.0.1");
            gf.restart();
            try (HttpBodyClient anyone = HttpBodyClient.connectWithSecret(gf.grpcPort(), null)) {
                Response r = anyone.handle(Request.get("/app/echo"));
                assertTrue(r.ok(), r::toString);
                assertEquals(200, r.httpCode(), r::toString);
            }
            assertLogSays(gf, logLine, "is INSECURE (grpc-connector-insecure=true)");
        } finally {
            gf.destroy();
        }
    }

    private static void assertRefusesEverything(GlassFishServer gf, String severe) throws Exception {
        long since = 0; // the whole log: the SEVERE line was written at start-up
        assertLogSays(gf, since, "refuses every request: " + severe);
        try (HttpBodyClient edge = HttpBodyClient.connect(gf.grpcPort())) {
            Response r = edge.handle(Request.get("/app/echo"));
            assertEquals(Status.Code.UNAUTHENTICATED, r.status().getCode(), "even with the harness's secret: " + r);
            StatusRuntimeException health = assertThrowsStatus(() -> HealthGrpc.newBlockingStub(edge.channel())
                    .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, health.getStatus().getCode(), "Envoy must see this host unhealthy");
        }
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gf.grpcPort() + "/app/echo"))
                    .header(EdgeSecret.HEADER, EdgeSecret.CURRENT).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, r.statusCode(), "plain HTTP on the listener is refused too");
        }
    }

    /** The gRPC error {@code call} fails with (shared with MutualTlsIT). */
    static StatusRuntimeException assertThrowsStatus(Executable call) {
        try {
            call.execute();
        } catch (StatusRuntimeException e) {
            return e;
        } catch (Throwable e) {
            throw new AssertionError("expected a gRPC error, got " + e, e);
        }
        throw new AssertionError("expected a gRPC error, the call succeeded");
    }

    private static void assertLogSays(GlassFishServer gf, long fromLine, String text) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (gf.serverLogSince(fromLine).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server.log has no '" + text + "':\n" + gf.serverProblemsSince(fromLine, 40));
    }
}
