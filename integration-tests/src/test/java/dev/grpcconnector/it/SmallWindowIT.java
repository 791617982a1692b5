package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Grizzly defect 2 (docs/architecture.md): with a client whose HTTP/2 windows are small,
 * most of a large response waits in Grizzly's output queue for WINDOW_UPDATEs. Grizzly
 * 5.0.0 then sends trailers queued behind that data ahead of it (the client drops the
 * tail after END_STREAM: a short body or a unary call with no message), or never (the
 * call hangs until its deadline), and recycles the stream's packets early. The connector
 * works around it by letting the last write wait until all its data writes completed.
 *
 * <p>This test proves the workaround holds when the window is really small: grpc-java
 * with {@code flowControlWindow(65535)} (auto-tuning off) reads 70,000 bytes, 1 MB and
 * 8 MiB through {@code Handle} (one message) and {@code Stream} (many messages), from a
 * servlet with Content-Length ({@code /bytes}) and one that flushes chunk after chunk
 * ({@code /chunks}), first one after the other, then eight at once (so that the streams
 * also compete for the 64 KiB connection window), all on one connection, followed by an
 * ordinary call on that same connection. Each must end with grpc-status 0 and the exact
 * bytes. A trailer sent early makes a unary call fail ("no value received") or a
 * streaming body short; a trailer never sent makes the call hit its deadline; a broken
 * connection fails the following calls.
 *
 * <p>That the window really stayed small is not taken on trust: grpc-java's own HTTP/2
 * frame log (Netty's frame logger, at FINE) is captured and replayed: the client must
 * have announced INITIAL_WINDOW_SIZE 65535, and replaying its WINDOW_UPDATEs against the
 * DATA received, neither the connection nor any stream window may ever have been above
 * 65,535 bytes. The replay also checks, frame by frame, that on every stream the trailers
 * (HEADERS with END_STREAM and grpc-status 0) came after the last DATA frame.
 */
class SmallWindowIT extends ConnectorTestBase {

    static final int WINDOW = 65_535;
    static final int EIGHT_MIB = 8 * 1024 * 1024;

    /** Each size with the chunk size /chunks uses for it (n * chunk = size). */
    static final int[][] SIZES = {{70_000, 10_000}, {1_000_000, 10_000}, {EIGHT_MIB, 65_536}};

    @Test
    void largeResponsesThroughA64KiBWindowArriveWholeWithTrailersLast() {
        try (FrameLog frames = FrameLog.attach();
             HttpBodyClient small = HttpBodyClient.connectWithWindow(server.grpcPort(), WINDOW)) {
            // One after the other.
            for (int[] sc : SIZES) {
                int size = sc[0];
                int chunk = sc[1];
                String bytes = "/app/bytes?size=" + size;
                String chunks = "/app/chunks?n=" + (size / chunk) + "&size=" + chunk;
                checkHandle(bytes, size, timed("Handle " + bytes, () -> small.handle(Request.get(bytes))));
                checkStream(bytes, size, timed("Stream " + bytes, () -> small.stream(Request.get(bytes))));
                checkHandle(chunks, size, timed("Handle " + chunks, () -> small.handle(Request.get(chunks))));
                StreamResponse s = timed("Stream " + chunks, () -> small.stream(Request.get(chunks)));
                checkStream(chunks, size, s);
                assertTrue(s.messages().size() >= size / chunk,
                        () -> chunks + ": every flushed chunk must be (at least) one message, got " + s.messages().size());
            }

            // At once, sharing the connection window.
            int size = 1_000_000;
            List<CompletableFuture<Response>> handles = new ArrayList<>();
            List<HttpBodyClient.StreamCall> streams = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                handles.add(small.startHandle(Request.get("/app/bytes?size=" + size + "&i=" + i)));
                handles.add(small.startHandle(Request.get("/app/chunks?n=100&size=10000&i=" + i)));
                streams.add(small.startStream(Request.get("/app/bytes?size=" + size + "&i=" + i)));
                streams.add(small.startStream(Request.get("/app/chunks?n=100&size=10000&i=" + i)));
            }
            for (int i = 0; i < handles.size(); i++) {
                checkHandle("concurrent Handle " + i, size, handles.get(i).join());
            }
            for (int i = 0; i < streams.size(); i++) {
                checkStream("concurrent Stream " + i, size, streams.get(i).await(120));
            }

            // The connection still serves an ordinary call.
            Response echo = small.handle(Request.get("/app/echo?after=large"));
            assertTrue(echo.ok(), () -> "ordinary call after the large ones: " + echo);
            assertEquals(200, echo.httpCode(), echo::toString);
            assertEquals("after=large", echo.json().get("queryString"));

            frames.replayAndCheck(EIGHT_MIB);
        }
    }

    /** Runs a call and logs how long it took (information only, never asserted). */
    static <T> T timed(String what, java.util.function.Supplier<T> call) {
        long t0 = System.nanoTime();
        T result = call.get();
        GlassFishServer.log("64 KiB window: " + what + " took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        return result;
    }

    static void checkHandle(String what, int size, Response r) {
        assertCleanMetadata(r);
        assertTrue(r.ok(), () -> "Handle " + what + ": expected grpc-status 0, got " + r);
        assertEquals(200, r.httpCode(), () -> "Handle " + what + ": " + r);
        assertEquals("application/octet-stream", r.contentType(), () -> "Handle " + what);
        assertPattern(r.data(), size, "Handle " + what);
    }

    static void checkStream(String what, int size, StreamResponse r) {
        assertCleanMetadata(r.asResponse());
        assertTrue(r.ok(), () -> "Stream " + what + ": expected grpc-status 0, got " + r);
        assertEquals(200, r.httpCode(), () -> "Stream " + what + ": " + r);
        assertFalse(r.messages().isEmpty(), () -> "Stream " + what + ": no message");
        assertEquals("application/octet-stream", r.contentType(), () -> "Stream " + what + ": content type of the first message");
        assertPattern(r.data(), size, "Stream " + what + " (" + r.messages().size() + " messages)");
    }

    /**
     * grpc-java's HTTP/2 frame log: Netty's {@code Http2FrameLogger} of
     * {@code NettyClientHandler} logs every frame at DEBUG, which is JUL's FINE.
     */
    static final class FrameLog extends Handler implements AutoCloseable {
        static final Logger LOGGER = Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyClientHandler");

        static final Pattern CHANNEL = Pattern.compile("^\\[id: (0x[0-9a-f]+)");
        static final Pattern SETTINGS = Pattern.compile("OUTBOUND SETTINGS: ack=false settings=\\{(.*)}");
        static final Pattern INITIAL_WINDOW = Pattern.compile("INITIAL_WINDOW_SIZE=(\\d+)");
        static final Pattern WINDOW_UPDATE = Pattern.compile("OUTBOUND WINDOW_UPDATE: streamId=(\\d+) windowSizeIncrement=(\\d+)");
        static final Pattern DATA = Pattern.compile("INBOUND DATA: streamId=(\\d+) padding=(\\d+) endStream=(true|false) length=(\\d+)");
        static final Pattern HEADERS = Pattern.compile("INBOUND HEADERS: streamId=(\\d+) headers=(.*) padding=\\d+ endStream=(true|false)");

        final Queue<String> lines = new ConcurrentLinkedQueue<>();
        private final Level oldLevel;
        private final boolean oldUseParent;

        private FrameLog() {
            oldLevel = LOGGER.getLevel();
            oldUseParent = LOGGER.getUseParentHandlers();
            setLevel(Level.ALL);
        }

        static FrameLog attach() {
            FrameLog log = new FrameLog();
            LOGGER.addHandler(log);
            LOGGER.setUseParentHandlers(false);
            LOGGER.setLevel(Level.FINE);
            return log;
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null) {
                lines.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            LOGGER.removeHandler(this);
            LOGGER.setLevel(oldLevel);
            LOGGER.setUseParentHandlers(oldUseParent);
        }

        /** Per connection: the replay of the client's receive windows. */
        static final class Conn {
            long initialStreamWindow = WINDOW; // the HTTP/2 default until SETTINGS says otherwise
            long connectionWindow = WINDOW;
            long maxConnectionWindow = WINDOW;
            long connectionUpdates;
            final Map<Integer, long[]> streams = new HashMap<>(); // {window, max window, data bytes}
            final Map<Integer, String> endedBy = new HashMap<>();
            final List<String> problems = new ArrayList<>();
            boolean sawSettings;
        }

        void replayAndCheck(long largestResponse) {
            Map<String, Conn> conns = new LinkedHashMap<>();
            int parsed = 0;
            for (String line : lines) {
                Matcher ch = CHANNEL.matcher(line);
                if (!ch.find()) {
                    continue;
                }
                Conn c = conns.computeIfAbsent(ch.group(1), k -> new Conn());
                Matcher m;
                if ((m = SETTINGS.matcher(line)).find()) {
                    c.sawSettings = true;
                    Matcher w = INITIAL_WINDOW.matcher(m.group(1));
                    if (w.find()) {
                        c.initialStreamWindow = Long.parseLong(w.group(1));
                    }
                    parsed++;
                } else if ((m = WINDOW_UPDATE.matcher(line)).find()) {
                    int id = Integer.parseInt(m.group(1));
                    long inc = Long.parseLong(m.group(2));
                    if (id == 0) {
                        c.connectionWindow += inc;
                        c.maxConnectionWindow = Math.max(c.maxConnectionWindow, c.connectionWindow);
                        c.connectionUpdates++;
                    } else {
                        long[] s = stream(c, id);
                        s[0] += inc;
                        s[1] = Math.max(s[1], s[0]);
                    }
                    parsed++;
                } else if ((m = DATA.matcher(line)).find()) {
                    int id = Integer.parseInt(m.group(1));
                    long n = Long.parseLong(m.group(2)) + Long.parseLong(m.group(4));
                    c.connectionWindow -= n;
                    long[] s = stream(c, id);
                    s[0] -= n;
                    s[2] += Long.parseLong(m.group(4));
                    if (c.endedBy.containsKey(id)) {
                        c.problems.add("stream " + id + ": DATA after " + c.endedBy.get(id));
                    }
                    if (c.connectionWindow < 0 || s[0] < 0) {
                        c.problems.add("stream " + id + ": DATA beyond the window (connection " + c.connectionWindow
                                + ", stream " + s[0] + ")");
                    }
                    if (m.group(3).equals("true")) {
                        c.endedBy.put(id, "END_STREAM on DATA");
                    }
                    parsed++;
                } else if ((m = HEADERS.matcher(line)).find()) {
                    int id = Integer.parseInt(m.group(1));
                    if (m.group(3).equals("true")) {
                        // Includes the same OK trailers twice (Grizzly defect 6, worked around
                        // by StreamOutputQueue).
                        if (c.endedBy.containsKey(id)) {
                            c.problems.add("stream " + id + ": trailers after " + c.endedBy.get(id));
                        }
                        c.endedBy.put(id, m.group(2).contains("grpc-status: 0") ? "trailers grpc-status 0"
                                : "trailers " + m.group(2));
                    }
                    parsed++;
                }
            }
            assertTrue(parsed > 0, "grpc-java's frame log was not captured (is Netty logging to java.util.logging?); "
                    + lines.size() + " records");
            assertEquals(1, conns.size(), () -> "all calls must use one connection: " + conns.keySet());
            Conn c = conns.values().iterator().next();
            assertTrue(c.sawSettings, "the client's SETTINGS frame is not in the log");
            assertEquals(WINDOW, c.initialStreamWindow, "INITIAL_WINDOW_SIZE the client announced");
            assertTrue(c.maxConnectionWindow <= WINDOW,
                    () -> "the client's connection window grew to " + c.maxConnectionWindow + " (auto-tuning?)");
            assertTrue(c.connectionUpdates > 0, "no connection WINDOW_UPDATE: the responses did not exceed the window");
            long biggest = 0;
            for (Map.Entry<Integer, long[]> e : c.streams.entrySet()) {
                long[] s = e.getValue();
                int id = e.getKey();
                assertTrue(s[1] <= WINDOW, () -> "stream " + id + ": window grew to " + s[1]);
                biggest = Math.max(biggest, s[2]);
                if (s[2] > 0) {
                    assertEquals("trailers grpc-status 0", c.endedBy.get(id),
                            () -> "stream " + id + " (" + s[2] + " DATA bytes) must end with trailers after its data");
                }
            }
            assertTrue(biggest > largestResponse, "the largest response seen on one stream: " + biggest + " bytes");
            GlassFishServer.log("64 KiB window: " + parsed + " frames replayed, " + c.streams.size() + " streams, "
                    + c.connectionUpdates + " connection WINDOW_UPDATEs, largest window " + c.maxConnectionWindow
                    + ", largest response " + biggest + " bytes");
            if (!c.problems.isEmpty()) {
                fail("frame order problems: " + c.problems);
            }
        }

        private static long[] stream(Conn c, int id) {
            return c.streams.computeIfAbsent(id, k -> new long[] {c.initialStreamWindow, c.initialStreamWindow, 0});
        }
    }
}
