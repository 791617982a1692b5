package dev.grpcconnector.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Every browser request: what the production Envoy answers itself, and the rest forwarded
 * through {@link BrowserCall}.
 *
 * <ul>
 *   <li>HTTP/1.0: 426, as Envoy without {@code accept_http_10} (contract fact 28).</li>
 *   <li>{@code /health} (exactly, no query): answered by the edge, like Envoy's
 *       {@code health_check} filter with {@code pass_through_mode: false}. Envoy answers
 *       from the cluster health its active gRPC health checks found (fact 33); the edge
 *       has no checker running, so it asks the backend's
 *       {@code grpc.health.v1.Health/Check} (service {@code grpcconnector.v1.HttpService})
 *       per request: 200 for SERVING, 503 otherwise, empty body either way.</li>
 *   <li>gRPC requests ({@code content-type application/grpc…}): 404, as the production
 *       route's {@code direct_response} for {@code grpc: {}} (fact 3), so nobody can call
 *       the backend's Stream with forged metadata through the edge.</li>
 *   <li>WebSocket and other upgrades: 403, as Envoy without {@code upgrade_configs}
 *       (fact 24); an {@code h2c} upgrade offer is ignored, as Envoy does.</li>
 * </ul>
 */
final class EdgeHandler implements HttpHandler {

    static final String HEALTH_PATH = "/health";
    static final String HEALTH_SERVICE = "grpcconnector.v1.HttpService";

    private static final System.Logger LOG = System.getLogger(EdgeHandler.class.getName());

    /**
     * Envoy's default {@code max_request_headers_kb} (60 KiB): a browser request with more
     * header bytes gets 431 from Envoy itself, and from this edge. What is below it fits the
     * connector listener's header list limit (install.sh: 80 KiB) with the edge's metadata.
     */
    static final int MAX_REQUEST_HEADERS = 60 * 1024;
    /**
     * envoy.yaml's {@code max_headers_count}: a browser request with more header lines gets
     * 431, so that with the metadata an edge adds the connector's GlassFish gets fewer than
     * the 100 header fields Grizzly 5.0.0 takes on HTTP/2 before it ends the connection
     * (docs/upstream/grizzly-http2-defects.md, defect 11).
     */
    static final int MAX_REQUEST_HEADER_COUNT = 80;

    private final Channel backend;

    EdgeHandler(Channel backend) {
        this.backend = backend;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException, InterruptedException {
        String target = target(exchange.getRequestURI());
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String upgrade = exchange.getRequestHeaders().getFirst("Upgrade");
        if ("HTTP/1.0".equals(exchange.getProtocol())) {
            answer(exchange, 426, null);
        } else if (upgrade != null && !upgrade.equalsIgnoreCase("h2c")) {
            answer(exchange, 403, "upgrade failed");
        } else if (target.equals(HEALTH_PATH)) {
            answer(exchange, backendServing() ? 200 : 503, null);
        } else if (contentType != null && isGrpc(contentType)) {
            answer(exchange, 404, null);
        } else if (headerBytes(exchange) > MAX_REQUEST_HEADERS || headerCount(exchange) > MAX_REQUEST_HEADER_COUNT) {
            answer(exchange, 431, "request headers too large");
        } else {
            Metadata metadata;
            try {
                metadata = RequestMetadata.of(exchange.getRequestHeaders(), exchange.getRequestMethod(), target,
                        exchange.getRemoteAddress().getAddress().getHostAddress());
            } catch (IllegalArgumentException e) {
                answer(exchange, 400, e.getMessage());
                return;
            }
            BrowserCall.forward(backend, exchange, metadata);
        }
    }

    /**
     * The request's header names and values in bytes, as Envoy's connection manager sizes
     * them against {@code max_request_headers_kb}.
     */
    static long headerBytes(HttpExchange exchange) {
        long bytes = 0;
        for (var header : exchange.getRequestHeaders().entrySet()) {
            for (String value : header.getValue()) {
                bytes += header.getKey().length() + value.length();
            }
        }
        return bytes;
    }

    static int headerCount(HttpExchange exchange) {
        int count = 0;
        for (var values : exchange.getRequestHeaders().values()) {
            count += values.size();
        }
        return count;
    }

    /** The request target as the browser sent it, in origin form (an absolute-form target loses its scheme and authority, as in Envoy). */
    static String target(URI uri) {
        if (!uri.isAbsolute()) {
            return uri.toString();
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    private static boolean isGrpc(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.equals("application/grpc") || type.startsWith("application/grpc+") || type.startsWith("application/grpc;");
    }

    private boolean backendServing() {
        try {
            HealthCheckResponse response = HealthGrpc.newBlockingStub(backend).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(HEALTH_SERVICE).build());
            return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING;
        } catch (StatusRuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "health check of the backend failed: {0} {1}",
                    e.getStatus().getCode(), e.getStatus().getDescription());
            return false;
        }
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        try (exchange) {
            if (text == null || exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                byte[] body = text.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
        }
    }
}
