package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, item 2: the trace context ({@code traceparent}, {@code tracestate}) and the
 * {@code x-request-id} Envoy sends upstream reach the application as request headers,
 * exactly once and unchanged, each call its own values; and the connector's own log line
 * for a call it refuses names the call's request id.
 */
class TracingIT extends ConnectorTestBase {
    static final int CALLS = 60;
    static final int BATCH = 30;
    static final Pattern RECORD_TIME = Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\dT[^\\]]+Z)\\]");

    /** One call's trace headers, new random values per call as Envoy's tracer and request-id extension make them. */
    record Trace(String traceparent, String tracestate, String requestId) {
        static Trace random() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            byte[] traceId = new byte[16];
            byte[] spanId = new byte[8];
            r.nextBytes(traceId);
            r.nextBytes(spanId);
            HexFormat hex = HexFormat.of();
            return new Trace("00-" + hex.formatHex(traceId) + "-" + hex.formatHex(spanId) + "-01",
                    "envoy=" + hex.formatHex(spanId) + ",vendor" + r.nextInt(1000) + "=x" + r.nextInt(),
                    UUID.randomUUID().toString());
        }

        Request on(Request request) {
            return request.header("traceparent", traceparent).header("tracestate", tracestate)
                    .header("x-request-id", requestId);
        }

        void assertSeenBy(Map<String, Object> echo, String what) {
            assertEquals(List.of(traceparent), seenHeader(echo, "traceparent"), what + ": traceparent");
            assertEquals(List.of(tracestate), seenHeader(echo, "tracestate"), what + ": tracestate");
            assertEquals(List.of(requestId), seenHeader(echo, "x-request-id"), what + ": x-request-id");
        }
    }

    @Test
    void grpcJavaHandleAndStreamCallsCarryEachCallsTraceToTheApplication() {
        for (int i = 0; i < CALLS; i++) {
            Trace trace = Trace.random();
            Request request = trace.on(Request.get("/app/echo?call=" + i));
            Map<String, Object> echo;
            if (i % 2 == 0) {
                Response r = callExpecting(200, request);
                echo = r.json();
            } else {
                StreamResponse r = grpc.stream(request);
                assertTrue(r.ok() && r.httpCode() == 200, r::toString);
                echo = MiniJson.object(utf8(r.data()));
            }
            trace.assertSeenBy(echo, (i % 2 == 0 ? "Handle" : "Stream") + " call " + i);
        }
    }

    /** Envoy's codec batches HEADERS of many streams in one write, as nghttp2 does: each stream keeps its own values. */
    @Test
    void batchedHeadersOfManyStreamsEachCarryTheirOwnTrace() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            for (int sent = 0; sent < CALLS; sent += BATCH) {
                List<Integer> ids = new ArrayList<>();
                List<Trace> traces = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    Trace trace = Trace.random();
                    List<String[]> headers = h2.envoyHeaders(LimitsDomain.STREAM, "GET", "/app/echo?batched=" + (sent + i));
                    headers.add(new String[] {"traceparent", trace.traceparent()});
                    headers.add(new String[] {"tracestate", trace.tracestate()});
                    headers.add(new String[] {"x-request-id", trace.requestId()});
                    int id = h2.newStreamId();
                    h2.queueHeaders(id, headers, false);
                    h2.queueData(id, LimitsDomain.emptyMessage(), true);
                    ids.add(id);
                    traces.add(trace);
                }
                h2.send();
                for (int k = 0; k < ids.size(); k++) {
                    StreamResult r = h2.take(ids.get(k), Duration.ofSeconds(60));
                    String what = "batched call " + (sent + k);
                    assertNull(r.connectionError, () -> what + ": " + r);
                    assertEquals("0", r.grpcStatus(), () -> what + ": " + r);
                    assertEquals("200", r.header("x-http-code"), () -> what + ": " + r);
                    traces.get(k).assertSeenBy(MiniJson.object(new String(LimitsDomain.httpBodyData(r.data.toByteArray()),
                            StandardCharsets.UTF_8)), what);
                }
            }
        }
    }

    /**
     * A call the connector refuses (an unknown method of HttpService: UNIMPLEMENTED) is
     * logged with its request id. The refusal log writes the first call of a reason and
     * then one a minute (logging.RefusalLog): when another test logged this reason less
     * than a minute ago, the test waits until this call's line is due.
     */
    @Test
    void theConnectorsLogLineForARefusedCallNamesItsRequestId() {
        String reason = "Listener " + GlassFishServer.LISTENER + ": call failed with UNIMPLEMENTED";
        Instant last = lastRecordWith(reason);
        if (last != null) {
            Duration wait = Duration.between(Instant.now(), last.plusSeconds(62));
            if (!wait.isNegative()) {
                GlassFishServer.log("TracingIT: waiting " + wait.toSeconds() + " s for the refusal log's minute");
                GlassFishServer.sleep(wait.toMillis());
            }
        }
        String requestId = UUID.randomUUID().toString();
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            int id = h2.newStreamId();
            List<String[]> headers = h2.envoyHeaders("grpcconnector.v1.HttpService/Missing", "GET", "/app/echo");
            headers.add(new String[] {"x-request-id", requestId});
            h2.queueHeaders(id, headers, false);
            h2.queueData(id, LimitsDomain.emptyMessage(), true);
            h2.send();
            StreamResult r = h2.take(id, Duration.ofSeconds(30));
            assertEquals("12", r.grpcStatus(), r::toString);
        }
        String expected = "x-request-id " + requestId;
        Instant deadline = Instant.now().plusSeconds(20);
        String line = null;
        while (line == null && Instant.now().isBefore(deadline)) {
            line = server.serverLogSince(0).lines().filter(l -> l.contains(expected)).findFirst().orElse(null);
            if (line == null) {
                GlassFishServer.sleep(200);
            }
        }
        String found = line;
        assertTrue(found != null && found.contains("call failed with UNIMPLEMENTED"),
                () -> "no refusal line naming " + expected + " in server.log; its last lines:\n"
                        + GlassFishServer.tail(server.serverLog(), 20));
    }

    /** The time of the last server.log record whose message contains {@code text}, or null. */
    private static Instant lastRecordWith(String text) {
        Instant recordTime = null;
        Instant last = null;
        for (String line : server.serverLogSince(0).split("\n")) {
            Matcher m = RECORD_TIME.matcher(line);
            if (m.find()) {
                recordTime = Instant.parse(m.group(1));
            }
            if (line.contains(text)) {
                last = recordTime;
            }
        }
        return last;
    }
}
