package dev.grpcconnector.it;

import dev.grpcconnector.it.RawH2Client.StreamResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, item 3: a flood of malformed calls cannot flood server.log. {@value #CALLS}
 * malformed calls, each one different (three kinds, every error message distinct), sent
 * as Envoy would send them: up to {@value #BATCH} streams at a time on one connection,
 * their HEADERS and DATA frames batched in one write. Each gets its trailers-only status;
 * server.log grows by at most {@value #MAX_LOG_GROWTH} bytes in all (every line GlassFish
 * writes meanwhile included, the summary too), where a line per call would be about
 * 1 MB; and the listener's summary lines (one a minute) count every one of the calls.
 */
class BoundedLogIT extends ConnectorTestBase {
    static final int CALLS = 3000;
    static final int BATCH = 50;
    static final long MAX_LOG_GROWTH = 32 * 1024;
    /** The summary comes at the end of the minute that the first refusal opened: a minute and a bit at most. */
    static final Duration SUMMARY_WAIT = Duration.ofSeconds(150);
    static final Pattern INVALID_ARGUMENT = Pattern.compile("call failed with INVALID_ARGUMENT: (\\d+)");
    static final Pattern INTERNAL = Pattern.compile("call failed with INTERNAL: (\\d+)");

    @Test
    void thousandsOfMalformedCallsCostAFewLinesAndTheSummaryCountsThem() throws IOException {
        long logBytes = Files.size(server.serverLog());
        long fromLine = server.serverLogLineCount();
        int invalid = 0;
        int internal = 0;
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            for (int sent = 0; sent < CALLS; sent += BATCH) {
                List<Integer> ids = new ArrayList<>();
                List<String> expected = new ArrayList<>();
                for (int i = sent; i < Math.min(CALLS, sent + BATCH); i++) {
                    int id = h2.newStreamId();
                    List<String[]> headers = BadInputIT.envoyHeaders(h2, "GET", "/app/echo?call=" + i);
                    byte[] data;
                    switch (i % 3) {
                        case 0 -> { // not an HttpBody: fields 4 to 15 do not exist
                            data = RawH2Client.grpcFrame(false, new byte[] {(byte) (((i % 12 + 4) << 3) | 2), 0});
                            expected.add("3");
                            invalid++;
                        }
                        case 1 -> { // a compressed flag that is neither 0 nor 1
                            data = RawH2Client.grpcFrame(false, new byte[0]);
                            data[0] = (byte) (2 + i % 250);
                            expected.add("13");
                            internal++;
                        }
                        default -> { // no x-envoy-original-path
                            headers.removeIf(h -> h[0].equals("x-envoy-original-path"));
                            data = RawH2Client.grpcFrame(false, new byte[0]);
                            expected.add("3");
                            invalid++;
                        }
                    }
                    h2.queueHeaders(id, headers, false);
                    h2.queueData(id, data, true);
                    ids.add(id);
                }
                h2.send();
                for (int k = 0; k < ids.size(); k++) {
                    StreamResult r = h2.take(ids.get(k), Duration.ofSeconds(60));
                    int call = sent + k;
                    assertNull(r.connectionError, () -> "call " + call + ": " + r);
                    assertTrue(r.trailersOnly, () -> "call " + call + ": " + r);
                    assertEquals(expected.get(k), r.grpcStatus(), () -> "call " + call + ": " + r);
                }
            }
            assertNull(h2.goaway(), "the connection stays up");
        }
        GlassFishServer.log(CALLS + " malformed calls answered; server.log grew by "
                + (Files.size(server.serverLog()) - logBytes) + " bytes so far");

        long deadline = System.nanoTime() + SUMMARY_WAIT.toNanos();
        long countedInvalid = 0;
        long countedInternal = 0;
        String log = "";
        while (System.nanoTime() < deadline && (countedInvalid < invalid || countedInternal < internal)) {
            GlassFishServer.sleep(2000);
            log = server.serverLogSince(fromLine);
            countedInvalid = sum(INVALID_ARGUMENT, log);
            countedInternal = sum(INTERNAL, log);
        }
        long growth = Files.size(server.serverLog()) - logBytes;
        String finalLog = log;
        long invalidCounted = countedInvalid;
        long internalCounted = countedInternal;
        int invalidSent = invalid;
        int internalSent = internal;
        GlassFishServer.log("summaries count " + countedInvalid + " INVALID_ARGUMENT and " + countedInternal
                + " INTERNAL; server.log grew by " + growth + " bytes, " + log.lines().count() + " lines");
        // Other tests' calls of the same minute may be counted too: at least ours.
        assertTrue(invalidCounted >= invalidSent && internalCounted >= internalSent, () -> "the summary lines count "
                + invalidSent + " INVALID_ARGUMENT and " + internalSent + " INTERNAL calls within " + SUMMARY_WAIT + ":\n" + finalLog);
        assertTrue(growth <= MAX_LOG_GROWTH, () -> "server.log grew by " + growth + " bytes:\n" + finalLog);
        assertTrue(log.contains("calls refused in the last minute"), log);
    }

    private static long sum(Pattern pattern, String log) {
        long total = 0;
        for (String line : log.lines().filter(l -> l.contains("calls refused in the last minute")).toList()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                total += Long.parseLong(m.group(1));
            }
        }
        return total;
    }
}
