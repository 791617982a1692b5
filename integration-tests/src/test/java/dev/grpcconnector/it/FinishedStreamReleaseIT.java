package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Grizzly defect 12 (docs/upstream/grizzly-http2-defects.md): a stream whose request ends
 * with a DATA frame never reaches {@code CLOSED}, so its connection keeps it, with its request
 * and response, until the connection closes. Envoy's upstream connections are long-lived and
 * every gRPC call has a body: without the connector's {@code FinishedStreamRelease} the heap
 * fills ({@code EnvoyShapedSoakIT} ran GlassFish out of its 512 MiB after about 35,000 calls).
 *
 * <p>Each test sends {@value #CALLS} requests on one connection, ten in flight, HEADERS
 * batched, keeps the connection open, and counts the server's live
 * {@code org.glassfish.grizzly.http2.Http2Stream} objects with {@code jcmd GC.class_histogram}
 * (which collects first, so only reachable objects count; on the stock listener 90% of the
 * POSTs must still be live, as streams of earlier tests may be cleaned meanwhile). The stock-listener test
 * reproduces the defect: it fails the day Grizzly fixes it, and the workaround can go.
 */
class FinishedStreamReleaseIT extends ConnectorTestBase {
    static final int CALLS = 3_000;
    static final int IN_FLIGHT = 10;
    /** Far below {@link #CALLS}: the last 100 calls (not yet a second finished), the ~50 closed streams Grizzly keeps, those in flight. */
    static final int RELEASED_BOUND = 600;
    private static final Pattern HTTP2_STREAM = Pattern.compile("\\s(\\d+)\\s+\\d+\\s+org\\.glassfish\\.grizzly\\.http2\\.Http2Stream(\\s|$)", Pattern.MULTILINE);

    @Test
    void connectorCallsOnOneConnectionDoNotAccumulate() {
        RawH2Client h2 = RawH2Client.connect(server.grpcPort());
        try {
            sendAll(h2, n -> {
                List<String[]> headers = new ArrayList<>(h2.grpcHeaders("grpcconnector.v1.HttpService/Stream"));
                headers.add(new String[] {"x-envoy-original-method", "GET"});
                headers.add(new String[] {"x-envoy-original-path", "/app/echo?n=" + n});
                return headers;
            }, RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), r -> "0".equals(r.grpcStatus()));
            // A finished stream is released a second after it was first seen finished, at a later request;
            // Grizzly removes released streams every 50 or so finished ones: 100 more calls.
            sleepPastGracePeriod();
            sendAll(h2, 10 * IN_FLIGHT, n -> {
                List<String[]> headers = new ArrayList<>(h2.grpcHeaders("grpcconnector.v1.HttpService/Stream"));
                headers.add(new String[] {"x-envoy-original-method", "GET"});
                headers.add(new String[] {"x-envoy-original-path", "/app/echo?after=" + n});
                return headers;
            }, RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), r -> "0".equals(r.grpcStatus()));
            long live = liveHttp2Streams();
            GlassFishServer.log("after " + CALLS + " connector calls on one open connection: " + live + " live Http2Stream");
            assertTrue(live < RELEASED_BOUND, () -> live + " Http2Stream objects still live after " + CALLS
                    + " finished calls on one connection: finished streams are not released");
        } finally {
            h2.close();
        }
    }

    @Test
    void stockListenerKeepsEveryPostOfAnOpenConnection() {
        RawH2Client h2 = RawH2Client.connect(server.httpPort());
        try {
            long before = liveHttp2Streams();
            sendAll(h2, n -> plainRequest("POST", "/app/echo?n=" + n), "a=1".getBytes(StandardCharsets.US_ASCII),
                    r -> "200".equals(r.header(":status")));
            long live = liveHttp2Streams() - before;
            GlassFishServer.log("stock h2c listener, after " + CALLS + " POSTs on one open connection: " + live
                    + " more live Http2Stream (defect 12)");
            assertTrue(live >= CALLS * 9 / 10, () -> "only " + live + " of " + CALLS + " finished POST streams still "
                    + "live on the stock listener: Grizzly defect 12 looks fixed, FinishedStreamRelease can go");
        } finally {
            h2.close();
        }
    }

    @Test
    void stockListenerReleasesRequestsWithoutBody() {
        RawH2Client h2 = RawH2Client.connect(server.httpPort());
        try {
            long before = liveHttp2Streams();
            sendAll(h2, n -> plainRequest("GET", "/app/echo?n=" + n), null, r -> "200".equals(r.header(":status")));
            long live = liveHttp2Streams() - before;
            GlassFishServer.log("stock h2c listener, after " + CALLS + " GETs on one open connection: " + live
                    + " more live Http2Stream");
            assertTrue(live < RELEASED_BOUND, () -> live + " GET streams still live: the defect is not only about bodies");
        } finally {
            h2.close();
        }
    }

    private static List<String[]> plainRequest(String method, String path) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {":method", method});
        headers.add(new String[] {":scheme", "http"});
        headers.add(new String[] {":authority", "127.0.0.1"});
        headers.add(new String[] {":path", path});
        if (method.equals("POST")) {
            headers.add(new String[] {"content-type", "application/x-www-form-urlencoded"});
        }
        return headers;
    }

    /** Sends {@link #CALLS} requests, {@link #IN_FLIGHT} at a time with their HEADERS in one write, and checks each. */
    private static void sendAll(RawH2Client h2, java.util.function.IntFunction<List<String[]>> headers, byte[] body,
            java.util.function.Predicate<StreamResult> ok) {
        sendAll(h2, CALLS, headers, body, ok);
    }

    private static void sendAll(RawH2Client h2, int calls, java.util.function.IntFunction<List<String[]>> headers,
            byte[] body, java.util.function.Predicate<StreamResult> ok) {
        int failed = 0;
        String first = null;
        for (int n = 0; n < calls; n += IN_FLIGHT) {
            List<Integer> batch = new ArrayList<>();
            for (int i = n; i < Math.min(calls, n + IN_FLIGHT); i++) {
                int stream = h2.newStreamId();
                h2.queueHeaders(stream, headers.apply(i), body == null);
                if (body != null) {
                    h2.queueData(stream, body, true);
                }
                batch.add(stream);
            }
            h2.send();
            for (int stream : batch) {
                StreamResult r = h2.take(stream, Duration.ofSeconds(60));
                if (!ok.test(r)) {
                    failed++;
                    first = first == null ? r.toString() : first;
                }
            }
        }
        String firstFailure = first;
        assertEquals(0, failed, () -> "failed requests, the first: " + firstFailure);
    }

    private static void sleepPastGracePeriod() {
        try {
            Thread.sleep(1_500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Live {@code Http2Stream} objects in the server JVM (a full GC runs first). */
    private static long liveHttp2Streams() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(server.serverPid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new AssertionError("jcmd GC.class_histogram failed: " + out);
            }
            Matcher m = HTTP2_STREAM.matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
