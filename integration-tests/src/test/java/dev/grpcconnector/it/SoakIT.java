package dev.grpcconnector.it;

import com.google.api.HttpBody;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN §3.1: many unary calls over one connection with header values that change on
 * every call (path with a counter, a cookie, a request id), 16 in flight, responses below
 * and above 64 KiB. Every call must succeed and every body must be the right one.
 */
class SoakIT extends ConnectorTestBase {

    static final int CALLS = Integer.getInteger("it.soak.calls", 20_000);
    static final int IN_FLIGHT = Integer.getInteger("it.soak.inflight", 16);

    @Test
    void manyCallsWithChangingHeadersOnOneConnection() throws InterruptedException {
        // One channel, one address, pick-first: one HTTP/2 connection for all calls.
        try (HttpBodyClient client = HttpBodyClient.connect(server.grpcPort())) {
            Semaphore slots = new Semaphore(IN_FLIGHT);
            CountDownLatch done = new CountDownLatch(CALLS);
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger bigResponses = new AtomicInteger();
            Queue<String> firstErrors = new ConcurrentLinkedQueue<>();
            HttpServiceGrpc.HttpServiceStub base = HttpServiceGrpc.newStub(client.channel());
            Instant t0 = Instant.now();

            int sent = 0;
            for (int i = 0; i < CALLS; i++) {
                slots.acquire();
                if (failures.get() >= 50 || Duration.between(t0, Instant.now()).toMinutes() >= 6) {
                    break; // hopeless or far too slow: do not spend the whole build on timeouts
                }
                sent++;
                final int n = i;
                final String requestId = UUID.randomUUID().toString();
                final int size = n % 4 == 1 ? 1000 : n % 4 == 3 ? 100_000 : -1; // -1: echo
                String path = size < 0 ? "/app/echo?n=" + n + "&r=" + requestId.substring(0, 8)
                        : "/app/bytes?size=" + size + "&n=" + n;
                Request req = Request.get(path)
                        .header("cookie", "c=" + n + "; session=s" + (n * 7919 % 100_003))
                        .header("x-request-id", requestId)
                        .header("accept", n % 3 == 0 ? "application/json" : "*/*");
                AtomicReference<Metadata> headers = new AtomicReference<>();
                AtomicReference<Metadata> trailers = new AtomicReference<>();
                AtomicReference<HttpBody> reply = new AtomicReference<>();
                base.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(req.metadata()),
                                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .handle(req.message(), new StreamObserver<>() {
                            @Override
                            public void onNext(HttpBody value) {
                                reply.set(value);
                            }

                            @Override
                            public void onError(Throwable t) {
                                record("call " + n + " " + path + ": " + t);
                                finish();
                            }

                            @Override
                            public void onCompleted() {
                                try {
                                    String problem = check(n, size, requestId, headers.get(), reply.get());
                                    if (problem != null) {
                                        record("call " + n + " " + path + ": " + problem);
                                    } else if (size > 65536) {
                                        bigResponses.incrementAndGet();
                                    }
                                } catch (RuntimeException e) {
                                    record("call " + n + " " + path + ": " + e);
                                } finally {
                                    finish();
                                }
                            }

                            private void record(String message) {
                                if (failures.incrementAndGet() <= 20) {
                                    firstErrors.add(message);
                                }
                            }

                            private void finish() {
                                slots.release();
                                done.countDown();
                            }
                        });
            }
            for (int i = sent; i < CALLS; i++) {
                done.countDown();
            }
            boolean finished = done.await(15, TimeUnit.MINUTES);
            Duration took = Duration.between(t0, Instant.now());
            String summary = String.format("%d of %d calls (%d in flight) in %.1f s = %.0f calls/s, %d failures, %d responses of 100000 bytes",
                    sent, CALLS, IN_FLIGHT, took.toMillis() / 1000.0, sent * 1000.0 / Math.max(1, took.toMillis()),
                    failures.get(), bigResponses.get());
            GlassFishServer.log("soak: " + summary);
            System.out.println("[soak] " + summary);
            assertTrue(finished, "not finished after 15 minutes: " + summary + "; first errors " + firstErrors);
            assertEquals(0, failures.get(), () -> summary + "\nfirst errors:\n  " + String.join("\n  ", firstErrors));
            assertEquals(CALLS / 4, bigResponses.get(), summary);
        }
    }

    /** null when the response is the right one for call n. */
    static String check(int n, int size, String requestId, Metadata headers, HttpBody body) {
        if (headers == null) {
            return "no response headers";
        }
        for (String name : FORBIDDEN_RESPONSE_METADATA) {
            if (headers.keys().contains(name)) {
                return "response metadata contains " + name;
            }
        }
        String code = headers.get(HttpBodyClient.X_HTTP_CODE);
        if (!"200".equals(code)) {
            return "x-http-code " + code;
        }
        if (body == null) {
            return "no HttpBody";
        }
        byte[] data = body.getData().toByteArray();
        if (size >= 0) {
            if (data.length != size) {
                return "expected " + size + " bytes, got " + data.length;
            }
            for (int i = 0; i < size; i++) {
                if (data[i] != (byte) ((i * 31L + 7) & 0xff)) {
                    return "wrong byte at " + i;
                }
            }
            return null;
        }
        Map<String, Object> echo = MiniJson.object(new String(data, StandardCharsets.UTF_8));
        String expectedQuery = "n=" + n + "&r=" + requestId.substring(0, 8);
        if (!expectedQuery.equals(echo.get("queryString"))) {
            return "queryString " + echo.get("queryString") + ", expected " + expectedQuery;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> seen = (Map<String, Object>) echo.get("headers");
        if (!List.of("c=" + n + "; session=s" + (n * 7919 % 100_003)).equals(seen.get("cookie"))) {
            return "cookie seen " + seen.get("cookie");
        }
        if (!List.of(requestId).equals(seen.get("x-request-id"))) {
            return "x-request-id seen " + seen.get("x-request-id") + ", expected " + requestId;
        }
        return null;
    }
}
