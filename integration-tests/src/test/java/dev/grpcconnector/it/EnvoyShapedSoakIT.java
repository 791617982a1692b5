package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Traffic shaped like Envoy's upstream codec (issue 10, item 4), which grpc-java's
 * client does not produce: several connections, each with {@link #IN_FLIGHT} streams
 * whose HEADERS and DATA frames leave in <em>one</em> write (as nghttp2 batches them),
 * header values that change on every call (path, an 8 KiB cookie, request id,
 * user agent), the edge's secret, {@code Stream} calls with Envoy's metadata. Every
 * call must succeed and return its own request (the echo shows the path and the request
 * id). Failures are counted by kind and the test fails on the first kind seen.
 *
 * <p>{@code -Dit.soak.envoy.calls=N} sets the number of calls (50,000 in CI);
 * {@code benchmarks/envoy-soak.sh} runs a million and prints the failures by status.
 */
class EnvoyShapedSoakIT extends ConnectorTestBase {
    static final int CALLS = Integer.getInteger("it.soak.envoy.calls", 50_000);
    static final int CONNECTIONS = Integer.getInteger("it.soak.envoy.connections", 4);
    static final int IN_FLIGHT = Integer.getInteger("it.soak.envoy.inflight", 16);
    /**
     * The size of the single-sign-on cookie, new on every call (8 KiB, as Envoy forwards a
     * browser's real cookies); the listener's header list limit (80 KiB) is the ceiling.
     */
    static final int COOKIE_BYTES = Integer.getInteger("it.soak.envoy.cookie", 8 * 1024);

    @Test
    void envoyShapedTrafficWithChangingHeadersHasNoFailure() throws Exception {
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        Map<String, String> firstOfEachKind = new ConcurrentHashMap<>();
        AtomicLong done = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        Instant t0 = Instant.now();
        ExecutorService threads = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<?>> connections = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                long seed = c;
                connections.add(threads.submit(() -> {
                    runConnection(new SplittableRandom(seed), next, done, failures, firstOfEachKind);
                    return null;
                }));
            }
            for (Future<?> connection : connections) {
                connection.get();
            }
        } finally {
            threads.shutdownNow();
        }
        Duration took = Duration.between(t0, Instant.now());
        Map<String, Integer> byKind = new TreeMap<>();
        failures.forEach((k, v) -> byKind.put(k, v.get()));
        GlassFishServer.log("Envoy-shaped soak: " + done.get() + " calls on " + CONNECTIONS + " connections, " + IN_FLIGHT
                + " in flight each, in " + took.toMillis() + " ms; failures " + byKind);
        assertTrue(byKind.isEmpty(), () -> "failures by kind " + byKind + "; first of each: " + firstOfEachKind);
        assertEquals(CALLS, done.get());
    }

    private void runConnection(SplittableRandom random, AtomicInteger next, AtomicLong done,
            Map<String, AtomicInteger> failures, Map<String, String> firstOfEachKind) {
        RawH2Client h2 = RawH2Client.connect(server.grpcPort());
        try {
            while (true) {
                List<int[]> batch = new ArrayList<>(IN_FLIGHT);
                List<String> requestIds = new ArrayList<>(IN_FLIGHT);
                for (int i = 0; i < IN_FLIGHT; i++) {
                    int n = next.getAndIncrement();
                    if (n >= CALLS) {
                        break;
                    }
                    int stream = h2.newStreamId();
                    String requestId = UUID.randomUUID().toString();
                    h2.queueHeaders(stream, headers(h2, n, requestId, random), false);
                    h2.queueData(stream, RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), true);
                    batch.add(new int[] {stream, n});
                    requestIds.add(requestId);
                }
                if (batch.isEmpty()) {
                    return;
                }
                h2.send();
                for (int i = 0; i < batch.size(); i++) {
                    StreamResult r = h2.take(batch.get(i)[0], Duration.ofSeconds(60));
                    String failure = check(r, batch.get(i)[1], requestIds.get(i));
                    if (failure != null) {
                        String kind = failure.substring(0, failure.indexOf(':'));
                        failures.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
                        firstOfEachKind.putIfAbsent(kind, failure);
                    }
                    done.incrementAndGet();
                }
                if (h2.goaway() != null) {
                    failures.computeIfAbsent("GOAWAY", k -> new AtomicInteger()).incrementAndGet();
                    firstOfEachKind.putIfAbsent("GOAWAY", h2.goaway());
                    h2.close();
                    h2 = RawH2Client.connect(server.grpcPort());
                }
            }
        } finally {
            h2.close();
        }
    }

    /** Envoy's metadata for a browser's GET, with values that change on every call. */
    private List<String[]> headers(RawH2Client h2, int n, String requestId, SplittableRandom random) {
        List<String[]> headers = new ArrayList<>(h2.grpcHeaders("grpcconnector.v1.HttpService/Stream"));
        headers.add(new String[] {"x-envoy-original-method", "GET"});
        headers.add(new String[] {"x-envoy-original-path", "/app/echo?n=" + n});
        headers.add(new String[] {"x-request-id", requestId});
        headers.add(new String[] {"x-forwarded-for", "203.0.113." + (n % 250)});
        headers.add(new String[] {"x-forwarded-proto", "https"});
        headers.add(new String[] {"user-agent", "Mozilla/5.0 (soak " + (n % 97) + ")"});
        byte[] cookie = new byte[COOKIE_BYTES * 3 / 4];
        random.nextBytes(cookie);
        headers.add(new String[] {"cookie", "JSESSIONID=" + requestId + "; sso=" + Base64.getEncoder().encodeToString(cookie)});
        return headers;
    }

    /** {@code null} when the call succeeded with its own answer, else "kind: detail". */
    private static String check(StreamResult r, int n, String requestId) {
        if (r.connectionError != null) {
            return "connection error: " + r.connectionError;
        }
        if (r.rstCode != null) {
            return "RST_STREAM " + r.rstCode + ": " + r;
        }
        if (!"200".equals(r.header(":status"))) {
            return ":status " + r.header(":status") + ": " + r;
        }
        if (!"0".equals(r.grpcStatus())) {
            return "grpc-status " + r.grpcStatus() + ": " + r.grpcMessage();
        }
        if (!"200".equals(r.header("x-http-code"))) {
            return "x-http-code " + r.header("x-http-code") + ": " + r;
        }
        String body;
        try {
            body = bodyText(r.bytes());
        } catch (InvalidProtocolBufferException e) {
            return "bad message: " + e;
        }
        if (!body.contains("\"queryString\":\"n=" + n + "\"") || !body.contains(requestId)) {
            return "wrong answer: call " + n + " got " + body.substring(0, Math.min(300, body.length()));
        }
        return null;
    }

    /** The data of every HttpBody message in {@code grpc} (gRPC length-prefixed frames). */
    private static String bodyText(byte[] grpc) throws InvalidProtocolBufferException {
        StringBuilder text = new StringBuilder();
        ByteBuffer frames = ByteBuffer.wrap(grpc);
        while (frames.remaining() >= 5) {
            frames.get();
            int length = frames.getInt();
            byte[] message = new byte[length];
            frames.get(message);
            text.append(HttpBody.parseFrom(message).getData().toString(StandardCharsets.UTF_8));
        }
        return text.toString();
    }
}
