package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.grpcconnector.it.LimitsDomain.APPLICATION_THREADS;
import static dev.grpcconnector.it.LimitsDomain.HANDLE;
import static dev.grpcconnector.it.LimitsDomain.MAX_CALLS_PER_CONNECTION;
import static dev.grpcconnector.it.LimitsDomain.STREAM;
import static dev.grpcconnector.it.LimitsDomain.envoyHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The limit of calls in flight per connection ({@code grpc-connector-max-calls-per-connection},
 * here {@value LimitsDomain#MAX_CALLS_PER_CONNECTION}) and what never-finishing uploads do to
 * the application threads (here {@value LimitsDomain#APPLICATION_THREADS}).
 */
@ExtendWith(LimitsDomain.class)
class CallsPerConnectionIT {
    static final Duration WAIT = Duration.ofSeconds(120);

    /**
     * The call beyond the limit is refused with RESOURCE_EXHAUSTED before the application
     * sees it; another connection is served meanwhile; and calls that end give their place
     * back (three times the limit, one after the other, on the same connection).
     */
    @Test
    void theCallBeyondTheLimitIsRefusedAndPlacesAreGivenBack() {
        GlassFishServer gf = LimitsDomain.server();
        long logLine = gf.serverLogLineCount();
        try (RawH2Client h2 = RawH2Client.connect(gf.grpcPort())) {
            List<Integer> held = holdIncompleteUploads(h2, MAX_CALLS_PER_CONNECTION);
            int extra = h2.newStreamId();
            h2.queueHeaders(extra, envoyHeaders(h2, HANDLE, "GET", "/app/echo?extra=1"), false);
            h2.queueData(extra, LimitsDomain.emptyMessage(), true);
            h2.send();
            StreamResult refused = h2.await(extra, WAIT);
            assertTrue(refused.trailersOnly, () -> "the extra call: " + refused);
            assertEquals("8", refused.grpcStatus(), () -> "RESOURCE_EXHAUSTED expected: " + refused);
            assertEquals("too many calls in flight on this connection", refused.grpcMessage());

            assertTrue(StreamIdleTimeoutIT.goodCallWorks(gf), "a call on another connection while this one is full");

            for (int id : held) {
                h2.reset(id, 8);
            }
            for (int i = 0; i < 3 * MAX_CALLS_PER_CONNECTION; i++) {
                int id = h2.newStreamId();
                h2.queueHeaders(id, envoyHeaders(h2, HANDLE, "GET", "/app/echo?again=" + i), false);
                h2.queueData(id, LimitsDomain.emptyMessage(), true);
                h2.send();
                StreamResult r = h2.take(id, WAIT);
                assertEquals("0", r.grpcStatus(), () -> "call after the resets: " + r);
            }
        }
        assertTrue(gf.serverLogSince(logLine).contains("call refused: too many calls in flight on this connection"),
                "the refusal is logged");
    }

    /**
     * Rapid reset (CVE-2023-44487): calls opened and reset at once stop counting for
     * HTTP/2, but the application still works on those it received. Here a reset call keeps
     * its place until the application's thread returns, so one connection never has more
     * than the limit in the application, and a good caller elsewhere is served.
     */
    @Test
    void resetCallsKeepTheirPlaceWhileTheApplicationWorksOnThem() {
        GlassFishServer gf = LimitsDomain.server();
        String run = UUID.randomUUID().toString().substring(0, 8);
        int calls = 60;
        try (RawH2Client h2 = RawH2Client.connect(gf.grpcPort())) {
            for (int i = 0; i < calls; i++) {
                int id = h2.newStreamId();
                h2.queueHeaders(id, envoyHeaders(h2, HANDLE, "GET", "/app/slow?ms=8000&id=rr-" + run + "-" + i), false);
                h2.queueData(id, LimitsDomain.emptyMessage(), true);
                h2.reset(id, 8);
            }
            // Right behind the resets: the connection is full of reset calls still in the application.
            List<Integer> probes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int id = h2.newStreamId();
                probes.add(id);
                h2.queueHeaders(id, envoyHeaders(h2, HANDLE, "GET", "/app/echo?probe=" + i), false);
                h2.queueData(id, LimitsDomain.emptyMessage(), true);
            }
            h2.send();
            for (int id : probes) {
                StreamResult r = h2.await(id, WAIT);
                assertEquals("8", r.grpcStatus(), () -> "a call behind " + calls + " reset ones: " + r);
            }
            assertTrue(StreamIdleTimeoutIT.goodCallWorks(gf), "a call on another connection");
            int started = 0;
            for (int i = 0; i < calls; i++) {
                if (!"unknown".equals(new String(LimitsDomain.direct(gf, "/app/slow-state?id=rr-" + run + "-" + i).body(),
                        StandardCharsets.UTF_8))) {
                    started++;
                }
            }
            assertTrue(started <= MAX_CALLS_PER_CONNECTION, started + " of the reset calls reached the application");
            System.out.println("[limit] " + started + " of " + calls + " reset calls reached the application (limit "
                    + MAX_CALLS_PER_CONNECTION + ")");
            // Once the application's threads return, the places are free again.
            Instant deadline = Instant.now().plus(WAIT);
            while (true) {
                int id = h2.newStreamId();
                h2.queueHeaders(id, envoyHeaders(h2, HANDLE, "GET", "/app/echo?later=1"), false);
                h2.queueData(id, LimitsDomain.emptyMessage(), true);
                h2.send();
                StreamResult r = h2.take(id, WAIT);
                if ("0".equals(r.grpcStatus())) {
                    break;
                }
                assertEquals("8", r.grpcStatus(), r::toString);
                if (Instant.now().isAfter(deadline)) {
                    fail("the reset calls' places were never given back");
                }
                GlassFishServer.sleep(500);
            }
        }
    }

    /**
     * How many never-finishing uploads the application reads it takes to starve every
     * other caller: as many as there are application threads. With one fewer, a call on
     * another connection runs beside them (it sees them all still active); with as many,
     * it runs only once the idle timeout has ended some (it sees fewer active, and some failed).
     */
    @Test
    void asManyStalledUploadsAsApplicationThreadsStarveEveryoneUntilTheIdleTimeoutEndsThem() {
        GlassFishServer gf = LimitsDomain.server();
        awaitActiveUploads(gf, 0);

        List<Stalled> fewer = stallUploads(gf, APPLICATION_THREADS - 1);
        Map<String, Object> beside;
        try (HttpBodyClient client = HttpBodyClient.connect(gf.grpcPort())) {
            CompletableFuture<Response> call = client.startHandle(Request.get("/app/store?state").deadlineSeconds(120));
            // The stalled uploads are kept moving (one byte each per 500 ms) until the call is answered.
            while (!call.isDone()) {
                for (Stalled s : fewer) {
                    s.h2.data(s.stream, new byte[1], false);
                }
                GlassFishServer.sleep(500);
            }
            Response r = call.join();
            assertTrue(r.ok(), r::toString);
            beside = r.json();
        }
        assertEquals(APPLICATION_THREADS - 1, ((Number) beside.get("active")).intValue(),
                () -> "with one thread left, a call runs beside the stalled uploads: " + beside);
        endAll(fewer);
        awaitActiveUploads(gf, 0);

        List<Stalled> all = stallUploads(gf, APPLICATION_THREADS);
        Map<String, Object> after;
        try (HttpBodyClient client = HttpBodyClient.connect(gf.grpcPort())) {
            Response r = client.handle(Request.get("/app/store?state").deadlineSeconds(120));
            assertTrue(r.ok(), r::toString);
            after = r.json();
        }
        assertTrue(((Number) after.get("active")).intValue() < APPLICATION_THREADS,
                () -> "with every thread held, the call could run only after some uploads ended: " + after);
        int answeredBy500 = 0;
        for (Stalled s : all) {
            StreamResult r = s.h2.await(s.stream, WAIT);
            // Known race, not yet explained (see NoDataLostIT): the application's own 500 with
            // grpc-status 0 instead of DEADLINE_EXCEEDED; either way the upload ended. Counted, printed.
            if ("0".equals(r.grpcStatus()) && "500".equals(r.header("x-http-code"))) {
                answeredBy500++;
            } else {
                assertEquals("4", r.grpcStatus(), () -> "a stalled upload ends DEADLINE_EXCEEDED: " + r);
            }
        }
        System.out.println("[threads] stalled uploads answered by the application's 500 instead of DEADLINE_EXCEEDED "
                + "(known race): " + answeredBy500 + " of " + all.size());
        for (Stalled s : all) {
            s.h2.close();
        }
        System.out.println("[threads] " + (APPLICATION_THREADS - 1) + " stalled uploads: a call runs beside them; "
                + APPLICATION_THREADS + ": it waited until the idle timeout ended them (it saw " + after + ")");
    }

    record Stalled(RawH2Client h2, int stream) {
    }

    /**
     * {@code count} Stream uploads to /store, each with one complete message and the start
     * of a 1 MB one, spread over connections. The large message is handed on as it arrives,
     * so each byte sent later reaches the application's read.
     */
    private static List<Stalled> stallUploads(GlassFishServer gf, int count) {
        List<Stalled> stalled = new ArrayList<>();
        RawH2Client h2 = null;
        for (int i = 0; i < count; i++) {
            if (i % MAX_CALLS_PER_CONNECTION == 0) {
                h2 = RawH2Client.connect(gf.grpcPort());
            }
            int id = h2.newStreamId();
            h2.queueHeaders(id, envoyHeaders(h2, STREAM, "POST", "/app/store?id=stalled-" + UUID.randomUUID()), false);
            h2.queueData(id, LimitsDomain.message("application/octet-stream", new byte[1000]), false);
            h2.queueData(id, LimitsDomain.messageStart("application/octet-stream", 1_000_000, new byte[10]), false);
            h2.send();
            stalled.add(new Stalled(h2, id));
        }
        awaitActiveUploads(gf, count);
        return stalled;
    }

    private static void endAll(List<Stalled> stalled) {
        for (Stalled s : stalled) {
            s.h2.reset(s.stream, 8);
        }
        for (Stalled s : stalled) {
            s.h2.close();
        }
    }

    private static void awaitActiveUploads(GlassFishServer gf, int active) {
        Instant deadline = Instant.now().plus(WAIT);
        String state = "";
        while (Instant.now().isBefore(deadline)) {
            state = new String(LimitsDomain.direct(gf, "/app/store?state").body(), StandardCharsets.UTF_8);
            if (state.contains("\"active\":" + active + ",")) {
                return;
            }
            GlassFishServer.sleep(50);
        }
        fail("expected " + active + " uploads in the application, the store says " + state);
    }

    /** {@code count} Handle uploads whose message never completes: each holds a place, no application thread. */
    private static List<Integer> holdIncompleteUploads(RawH2Client h2, int count) {
        List<Integer> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int id = h2.newStreamId();
            h2.queueHeaders(id, envoyHeaders(h2, HANDLE, "POST", "/app/upload"), false);
            h2.queueData(id, RawH2Client.grpcFrame(false, 1_000_000, new byte[10]), false);
            held.add(id);
        }
        h2.send();
        return held;
    }
}
