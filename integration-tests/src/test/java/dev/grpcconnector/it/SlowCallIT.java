package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Grizzly defect 4 (docs/architecture.md): Grizzly delivers the last DATA frame of a
 * request upstream on the thread that reads the connection. Without the connector's
 * hand-off to the worker pool, the request that frame completes runs in the application
 * on that thread, and no further frame of the connection is read until it returns: one
 * slow request stalls every other stream of the connection.
 *
 * <p>This test proves the hand-off: on ONE connection it starts a request that sleeps 5 s
 * in the servlet, waits (asking over direct HTTP, not over that connection) until the
 * servlet really is sleeping, then makes 20 fast unary calls on the same connection. All
 * 20 must have completed before the slow call completes; the check is the number of fast
 * calls still outstanding at the moment the slow call's completion callback runs, which
 * must be 0. With the defect the fast calls' frames wait unread behind the sleeping
 * servlet, complete only after it, and that number is 20. Ordering only, no durations.
 *
 * <p>Three shapes of slow request, since the DATA delivery that starts the application
 * differs: a GET through {@code Handle} (an empty HttpBody), a POST with a small body
 * through {@code Handle} (the servlet reads the body before sleeping) and the same POST
 * through {@code Stream} (the body is streamed to the application, which reads until the
 * half-close).
 */
class SlowCallIT extends ConnectorTestBase {

    static final int FAST_CALLS = 20;
    static final long SLOW_MS = 5000;
    static final String SMALL_BODY = "a small request body\n";

    enum Shape { HANDLE_GET, HANDLE_POST_WITH_BODY, STREAM_POST_WITH_BODY }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void fastCallsOnTheSameConnectionCompleteWhileASlowOneRuns(Shape shape) throws Exception {
        try (HttpBodyClient one = HttpBodyClient.connect(server.grpcPort())) {
            // Open the connection first, so that the slow call is not the one that sets it up.
            Response warm = one.handle(Request.get("/app/echo?warm=1"));
            assertTrue(warm.ok(), warm::toString);

            String id = UUID.randomUUID().toString();
            String path = "/app/slow?ms=" + SLOW_MS + "&id=" + id;
            Request slow = shape == Shape.HANDLE_GET ? Request.get(path)
                    : Request.of("POST", path).body("text/plain;charset=UTF-8", SMALL_BODY);
            String expected = "slept " + SLOW_MS + " ms"
                    + (shape == Shape.HANDLE_GET ? "" : ", read " + SMALL_BODY.getBytes(StandardCharsets.UTF_8).length + " bytes")
                    + "\n";

            CountDownLatch fastPending = new CountDownLatch(FAST_CALLS);
            AtomicLong pendingWhenSlowEnded = new AtomicLong(-1);
            CompletableFuture<Response> slowDone = shape == Shape.STREAM_POST_WITH_BODY
                    ? one.startStream(slow).future().thenApply(HttpBodyClient.StreamResponse::asResponse)
                    : one.startHandle(slow);
            // Runs on the gRPC callback thread the moment the slow call ends.
            CompletableFuture<Response> slowObserved = slowDone.whenComplete(
                    (r, t) -> pendingWhenSlowEnded.set(fastPending.getCount()));

            awaitSlowStarted(id, slowDone);

            List<String> fastProblems = new ArrayList<>();
            for (int i = 0; i < FAST_CALLS; i++) {
                Response r = one.handle(Request.get("/app/echo?fast=" + i).deadlineSeconds(60));
                if (!r.ok() || r.httpCode() != 200 || !("fast=" + i).equals(r.json().get("queryString"))) {
                    fastProblems.add("fast call " + i + ": " + r);
                }
                fastPending.countDown();
            }

            Response s = slowObserved.get(90, TimeUnit.SECONDS);
            assertTrue(s.ok(), () -> "slow call: " + s);
            assertEquals(200, s.httpCode(), s::toString);
            assertEquals(expected, s.text());
            assertTrue(fastProblems.isEmpty(), () -> "fast calls: " + fastProblems);
            assertEquals(0, pendingWhenSlowEnded.get(),
                    () -> pendingWhenSlowEnded.get() + " of " + FAST_CALLS + " fast calls on the same connection were "
                            + "still outstanding when the slow call (" + shape + ") ended: the slow request stalled the connection");
            assertEquals("finished", slowState(id));
        }
    }

    /** Polls /app/slow-state over direct HTTP (another connection) until the servlet sleeps. */
    static void awaitSlowStarted(String id, CompletableFuture<Response> slowDone) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            String state = slowState(id);
            if (state.equals("started")) {
                return;
            }
            if (slowDone.isDone()) {
                fail("the slow call ended before the servlet reported it had started: " + slowDone.join()
                        + " (state " + state + ")");
            }
            GlassFishServer.sleep(20);
        }
        fail("the slow servlet never reported that it had started");
    }

    static String slowState(String id) {
        return utf8(direct("GET", "/app/slow-state?id=" + id, null, null).body());
    }
}
