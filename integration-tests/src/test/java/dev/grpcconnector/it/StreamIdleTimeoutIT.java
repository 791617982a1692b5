package dev.grpcconnector.it;

import dev.grpcconnector.it.RawH2Client.StreamResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static dev.grpcconnector.it.LimitsDomain.HANDLE;
import static dev.grpcconnector.it.LimitsDomain.IDLE_TIMEOUT_SECONDS;
import static dev.grpcconnector.it.LimitsDomain.STREAM;
import static dev.grpcconnector.it.LimitsDomain.envoyHeaders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream idle timeout ({@code grpc-connector-stream-idle-timeout-seconds}, here
 * {@value LimitsDomain#IDLE_TIMEOUT_SECONDS} s): a call on which nothing moves is ended, a
 * call that keeps moving is not, however long it takes (issue 16.3: a slow reader's unary
 * download used to be ended with INTERNAL after a fixed 60 s while data still flowed).
 *
 * <p>The slow reader takes about four idle timeouts to read its response, opening its
 * window a little at a time; the pauses between its reads pace it, and nothing is
 * asserted about how long anything took: only that the moving response arrived whole and
 * the stalled ones were ended with the status the docs give.
 */
@ExtendWith(LimitsDomain.class)
class StreamIdleTimeoutIT {
    static final int WINDOW = 32 * 1024;
    static final int SIZE = 3 * 512 * 1024;
    static final Duration WAIT = Duration.ofSeconds(120);

    @ParameterizedTest
    @ValueSource(strings = {HANDLE, STREAM})
    void aSlowReadersDownloadOutlivesTheIdleTimeoutWhileItMoves(String method) throws InterruptedException {
        GlassFishServer gf = LimitsDomain.server();
        try (RawH2Client h2 = RawH2Client.connectManualWindow(gf.grpcPort(), WINDOW)) {
            int id = h2.newStreamId();
            h2.queueHeaders(id, envoyHeaders(h2, method, "GET", "/app/bytes?size=" + SIZE), false);
            h2.queueData(id, LimitsDomain.emptyMessage(), true);
            h2.send();
            long started = System.nanoTime();
            int got = 0;
            StreamResult r;
            while (true) {
                r = h2.awaitData(id, got + 1, WAIT);
                int now = r.data.size();
                if (r.ended || r.rstCode != null || r.connectionError != null || now == got) {
                    break;
                }
                // A slow reader: a pause, then window for exactly what it has read.
                Thread.sleep(150);
                h2.windowUpdate(id, now - got);
                got = now;
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            StreamResult done = r;
            assertNull(done.rstCode, () -> "the moving download was reset: " + done);
            assertTrue(done.ended, () -> "the download did not end: " + done);
            assertEquals("0", done.grpcStatus(), () -> "status of the moving download: " + done);
            byte[] body = LimitsDomain.httpBodyData(done.bytes());
            assertEquals(SIZE, body.length, "bytes of the download");
            for (int i = 0; i < SIZE; i++) {
                if (body[i] != (byte) ((i * 31L + 7) & 0xff)) {
                    throw new AssertionError("byte " + i + " of the download differs");
                }
            }
            System.out.println("[idle] slow reader of " + method + ": " + SIZE + " bytes in " + seconds
                    + " s with an idle timeout of " + IDLE_TIMEOUT_SECONDS + " s");
        }
    }

    /** A reader that never opens its window: the download stops after the first window and the call is ended. */
    @ParameterizedTest
    @ValueSource(strings = {HANDLE, STREAM})
    void aZeroWindowReadersDownloadIsEnded(String method) {
        GlassFishServer gf = LimitsDomain.server();
        try (RawH2Client h2 = RawH2Client.connectManualWindow(gf.grpcPort(), WINDOW)) {
            int id = h2.newStreamId();
            h2.queueHeaders(id, envoyHeaders(h2, method, "GET", "/app/bytes?size=" + (8 * 1024 * 1024)), false);
            h2.queueData(id, LimitsDomain.emptyMessage(), true);
            h2.send();
            StreamResult r = h2.await(id, WAIT);
            // Response headers were out, so the call ends with RST_STREAM(CANCEL), gRPC's CANCELLED.
            assertEquals(Integer.valueOf(8), r.rstCode, () -> "the stalled download must be reset: " + r);
            assertTrue(r.data.size() <= WINDOW, () -> "more than the window arrived: " + r.data.size());
            assertNull(h2.goaway(), "the connection stays usable");
        }
        // The first such line is logged at once; later ones within a minute are counted (RefusalLog).
        assertTrue(gf.serverLogSince(0).contains("DEADLINE_EXCEEDED (stream idle timeout)"),
                "the server log says why calls were ended");
        assertTrue(goodCallWorks(gf), "a call after the stalled one");
    }

    /** An upload whose first message never completes: nothing reached the application, trailers-only DEADLINE_EXCEEDED. */
    @Test
    void anUploadThatStopsInsideItsFirstMessageIsEnded() {
        GlassFishServer gf = LimitsDomain.server();
        try (RawH2Client h2 = RawH2Client.connect(gf.grpcPort())) {
            int id = h2.newStreamId();
            h2.queueHeaders(id, envoyHeaders(h2, HANDLE, "POST", "/app/upload"), false);
            h2.queueData(id, RawH2Client.grpcFrame(false, 1_000_000, new byte[100]), false);
            h2.send();
            StreamResult r = h2.await(id, WAIT);
            assertIdleEnded(r);
        }
    }

    /**
     * An upload the application is reading, which then stops: the application's read fails
     * (it stores nothing), its thread is free, and the client gets trailers-only DEADLINE_EXCEEDED.
     */
    @Test
    void anUploadTheApplicationIsReadingThatStopsIsEndedAndNothingIsStored() {
        GlassFishServer gf = LimitsDomain.server();
        String upload = "stalled-" + UUID.randomUUID();
        try (RawH2Client h2 = RawH2Client.connect(gf.grpcPort())) {
            int id = h2.newStreamId();
            h2.queueHeaders(id, envoyHeaders(h2, STREAM, "POST", "/app/store?id=" + upload), false);
            h2.queueData(id, LimitsDomain.message("application/octet-stream",
                    "the first part of an upload that never ends".getBytes(StandardCharsets.UTF_8)), false);
            h2.send();
            StreamResult r = h2.await(id, WAIT);
            assertIdleEnded(r);
        }
        assertEquals(404, LimitsDomain.direct(gf, "/app/store?id=" + upload).statusCode(), "the stalled upload is not stored");
        assertTrue(goodCallWorks(gf), "a call after the stalled upload");
    }

    private static void assertIdleEnded(StreamResult r) {
        assertTrue(r.trailersOnly, () -> "expected trailers-only: " + r);
        assertEquals("4", r.grpcStatus(), () -> "expected DEADLINE_EXCEEDED: " + r);
        assertTrue(r.grpcMessage().contains("no bytes moved on the call"), () -> "grpc-message: " + r.grpcMessage());
    }

    static boolean goodCallWorks(GlassFishServer gf) {
        try (HttpBodyClient client = HttpBodyClient.connect(gf.grpcPort())) {
            HttpBodyClient.Response r = client.handle(HttpBodyClient.Request.get("/app/echo?after=1").deadlineSeconds(60));
            return r.ok() && r.httpCode() == 200;
        }
    }
}
