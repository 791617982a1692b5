package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away is seen by the application: when the client resets a
 * {@code Stream} call (RST_STREAM CANCEL, what Envoy sends when the browser disconnects),
 * the application's next write fails during a download and its read fails during an
 * upload; the request thread leaves the servlet; and the same connection goes on serving
 * other calls. The same holds when the call's {@code grpc-timeout} passes.
 *
 * <p>The probe servlet ({@code /app/cancel-probe}) keeps a log of what it saw, which the
 * test reads with further calls on the same connection.
 */
class CancellationIT extends ConnectorTestBase {
    private static final String STREAM = "grpcconnector.v1.HttpService/Stream";
    private static final int CANCEL = 8;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static int startCall(RawH2Client h2, String method, String path, String timeout) {
        List<String[]> headers = new ArrayList<>(h2.grpcHeaders(STREAM));
        headers.add(new String[] {"x-envoy-original-method", method});
        headers.add(new String[] {"x-envoy-original-path", path});
        if (timeout != null) {
            headers.add(new String[] {"grpc-timeout", timeout});
        }
        int id = h2.newStreamId();
        h2.headers(id, headers, false);
        return id;
    }

    private static byte[] message(String contentType, byte[] data) {
        return RawH2Client.grpcFrame(false, HttpBody.newBuilder().setContentType(contentType)
                .setData(ByteString.copyFrom(data)).build().toByteArray());
    }

    /** The probe's log, read through the connector on the same connection. */
    private static String probeLog(RawH2Client h2, String id) {
        int stream = startCall(h2, "GET", "/app/cancel-state?id=" + id, null);
        h2.data(stream, message("", new byte[0]), true);
        RawH2Client.StreamResult r = h2.await(stream, PATIENCE);
        assertNull(r.connectionError, () -> "the connection must keep serving: " + r);
        assertEquals("0", r.grpcStatus(), r::toString);
        byte[] data = r.bytes();
        return data.length <= 5 ? "" : BadInputIT.parseSingleMessage(data).getData().toString(StandardCharsets.UTF_8);
    }

    /** Waits until the probe's request thread has left the servlet, and returns its log. */
    private static String awaitReturned(RawH2Client h2, String id) throws InterruptedException {
        Instant deadline = Instant.now().plus(PATIENCE);
        String log = probeLog(h2, id);
        while (!log.contains("returned") && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            log = probeLog(h2, id);
        }
        return log;
    }

    /**
     * The probe's I/O failed as {@code expectedStart} says (an {@code IOException}, which is
     * what the Servlet API promises, not one of Grizzly's runtime exceptions), its thread left the servlet, and
     * the connection still serves.
     */
    private static void assertCancelledInTheApplication(RawH2Client h2, String id, String expectedStart)
            throws InterruptedException {
        String log = awaitReturned(h2, id);
        GlassFishServer.log("cancel probe " + id + ": " + log.replace('\n', '|'));
        assertTrue(log.startsWith(expectedStart), () -> "the application's I/O must fail:\n" + log);
        assertTrue(log.endsWith("returned\n"), () -> "the request thread must leave the servlet:\n" + log);
        BadInputIT.assertNormalCallWorks(h2);
        assertNull(h2.goaway(), "no GOAWAY expected");
    }

    @Test
    void downloadResetByTheClientFailsTheApplicationsNextWrite() throws Exception {
        String id = UUID.randomUUID().toString();
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            int call = startCall(h2, "GET", "/app/cancel-probe?id=" + id, null);
            h2.data(call, message("", new byte[0]), true);
            RawH2Client.StreamResult r = h2.awaitData(call, 256 * 1024, PATIENCE);
            assertTrue(r.data.size() >= 256 * 1024 && !r.ended, () -> "the download must be under way: " + r);
            h2.reset(call, CANCEL);

            assertCancelledInTheApplication(h2, id, "writing\nwrite failed: java.io.IOException: ");
        }
    }

    @Test
    void uploadResetByTheClientFailsTheApplicationsRead() throws Exception {
        String id = UUID.randomUUID().toString();
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            int call = startCall(h2, "POST", "/app/cancel-probe?id=" + id, null);
            h2.data(call, message("application/octet-stream", new byte[8192]), false);
            Instant deadline = Instant.now().plus(PATIENCE);
            while (!probeLog(h2, id).contains("reading") && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            h2.reset(call, CANCEL);

            assertCancelledInTheApplication(h2, id, "reading\nread failed: java.io.IOException: ");
        }
    }

    @Test
    void expiredDeadlineFailsTheApplicationsNextWrite() throws Exception {
        String id = UUID.randomUUID().toString();
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            int call = startCall(h2, "GET", "/app/cancel-probe?id=" + id, "1S");
            h2.data(call, message("", new byte[0]), true);
            RawH2Client.StreamResult r = h2.await(call, PATIENCE);
            assertEquals(CANCEL, r.rstCode, () -> "the connector resets the stream when the deadline passes: " + r);

            assertCancelledInTheApplication(h2, id, "writing\nwrite failed: java.io.IOException: ");
        }
    }

    /**
     * A reset written in the same write as its call's HEADERS and DATA (a client that opens
     * an upload and cancels it at once; nghttp2 and Envoy batch frames so): the connector
     * sees the reset before Grizzly has made the stream. The upload must never look
     * complete to the application: it either never gets the request, or its read fails.
     * Twenty such calls, then the connection still serves.
     */
    @Test
    void aResetInTheSameWriteAsItsHeadersAndDataCancelsTheUpload() throws Exception {
        List<String> ids = new ArrayList<>();
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            for (int i = 0; i < 20; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                List<String[]> headers = new ArrayList<>(h2.grpcHeaders(STREAM));
                headers.add(new String[] {"x-envoy-original-method", "POST"});
                headers.add(new String[] {"x-envoy-original-path", "/app/cancel-probe?id=" + id});
                int call = h2.newStreamId();
                h2.queueHeaders(call, headers, false);
                h2.queueData(call, message("application/octet-stream", new byte[8192]), false);
                h2.queueReset(call, CANCEL);
                h2.send();
            }
            BadInputIT.assertNormalCallWorks(h2);
            for (String id : ids) {
                String log = probeLog(h2, id);
                Instant deadline = Instant.now().plus(PATIENCE);
                while (!log.isEmpty() && !log.contains("returned") && Instant.now().isBefore(deadline)) {
                    Thread.sleep(100);
                    log = probeLog(h2, id);
                }
                String seen = log;
                assertTrue(seen.isEmpty() || seen.startsWith("reading\nread failed: java.io.IOException: ")
                        && seen.endsWith("returned\n"), () -> "a reset upload must not look complete to the application:\n" + seen);
            }
            assertNull(h2.goaway(), "no GOAWAY expected");
        }
    }
}
