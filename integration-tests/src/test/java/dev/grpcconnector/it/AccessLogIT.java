package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 3: with GlassFish's access log switched on, a call through the connector
 * is logged as the browser's request: its method, path and query, the application's
 * status, the browser's address (from {@code X-Forwarded-For}, not Envoy's), and the
 * request id; never as {@code POST /grpcconnector.v1.HttpService/Stream}. The format is
 * the one docs/operations.md recommends; switching the access log on and setting the
 * format take effect on the running server (no restart), and the test switches it off
 * again, which also writes out the lines GlassFish holds in its buffer.
 */
class AccessLogIT extends ConnectorTestBase {
    static final String HTTP_SERVICE = "configs.config.server-config.http-service.";
    /** docs/operations.md's format: GlassFish's default with the request id and time taken added. */
    static final String FORMAT = "%client.name% %auth-user-name% %datetime% %request% %status% %response.length% "
            + "%header.x-request-id% %time-taken%";
    static final String BROWSER = "203.0.113.57";

    @BeforeAll
    static void accessLogOn() {
        server.asadminRemote(Duration.ofMinutes(1), "set", HTTP_SERVICE + "access-log.format=" + FORMAT,
                HTTP_SERVICE + "access-logging-enabled=true");
    }

    @AfterAll
    static void accessLogOff() {
        server.asadminRemote(Duration.ofMinutes(1), "set", HTTP_SERVICE + "access-logging-enabled=false");
    }

    record Expected(String method, String target, int status, String requestId) {
    }

    @Test
    void callsThroughTheConnectorAreLoggedAsTheBrowsersRequests() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Expected> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String requestId = run + "-" + i;
            Request request;
            switch (i % 3) {
                case 0 -> {
                    request = Request.get("/app/echo?run=" + run + "&i=" + i);
                    expected.add(new Expected("GET", "/app/echo?run=" + run + "&i=" + i, 200, requestId));
                }
                case 1 -> {
                    request = Request.of("POST", "/app/status?code=404&run=" + run + "&i=" + i)
                            .body("text/plain", "x".repeat(100));
                    expected.add(new Expected("POST", "/app/status?code=404&run=" + run + "&i=" + i, 404, requestId));
                }
                default -> {
                    request = Request.of("PUT", "/app/status?code=201&run=" + run + "&i=" + i).body("text/plain", "y");
                    expected.add(new Expected("PUT", "/app/status?code=201&run=" + run + "&i=" + i, 201, requestId));
                }
            }
            request.forwardedFor(BROWSER).header("x-request-id", requestId);
            if (i < 3) {
                callExpecting(expected.get(i).status(), request);
            } else {
                StreamResponse r = grpc.stream(request);
                int status = expected.get(i).status();
                assertTrue(r.ok() && r.httpCode() == status, r::toString);
            }
        }
        // GlassFish buffers the access log; switching it off writes the buffer out.
        accessLogOff();
        List<String> lines = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(30);
        while (lines.size() < expected.size() && Instant.now().isBefore(deadline)) {
            GlassFishServer.sleep(300);
            lines = accessLog().lines().filter(l -> l.contains("run=" + run)).toList();
        }
        String all = String.join("\n", lines);
        assertEquals(expected.size(), lines.size(), () -> "access log lines of this run:\n" + all);
        for (int i = 0; i < expected.size(); i++) {
            Expected e = expected.get(i);
            String line = lines.get(i);
            assertTrue(line.startsWith("\"" + BROWSER + "\"") || line.startsWith(BROWSER + " "),
                    () -> "client address: " + line);
            assertTrue(line.contains("\"" + e.method() + " " + e.target() + " HTTP/2.0\""), () -> "request: " + line);
            assertTrue(line.contains("\" " + e.status() + " ") || line.contains("\"" + e.status() + "\""),
                    () -> "status " + e.status() + ": " + line);
            assertTrue(line.contains("\"" + e.requestId() + "\"") || line.contains(" " + e.requestId() + " "), () -> "request id " + e.requestId() + ": " + line);
            assertTrue(!line.contains("grpcconnector.v1.HttpService"), () -> "gRPC method in the access log: " + line);
        }
        GlassFishServer.log("AccessLogIT: " + lines.get(0) + "\n" + lines.get(1));
    }

    private static Path accessLogDir() {
        return server.serverLog().getParent().resolve("access");
    }

    private static String accessLog() {
        Path dir = accessLogDir();
        if (!Files.isDirectory(dir)) {
            return "";
        }
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder all = new StringBuilder();
            for (Path file : files.sorted().toList()) {
                all.append(Files.readString(file, StandardCharsets.ISO_8859_1));
            }
            return all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
