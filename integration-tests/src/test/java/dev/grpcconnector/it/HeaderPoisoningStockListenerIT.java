package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.grpcconnector.it.RawH2Client.StreamResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Grizzly 5.0.0's header-list poisoning (docs/upstream/grizzly-http2-defects.md, defect 8)
 * on GlassFish's <em>stock</em> h2c listener, without the connector, in a domain of its
 * own (it poisons the listener): on a fresh server batched h2load traffic gets no 431;
 * after thirty requests whose header list is above the listener's 4,096 bytes (each reset
 * by Grizzly), the same traffic gets 431s; with the JVM option that turns Grizzly's frame
 * recycling off ({@value #DONT_RECYCLE}) it does not.
 */
class HeaderPoisoningStockListenerIT {
    static final String DONT_RECYCLE = "-Dorg.glassfish.grizzly.http2.frames.Http2Frame.dont-recycle=true";
    private static final String SECOND_DOMAIN = "grpc-it-poisoning";
    private static final int OVERSIZED = 30;
    private static final int REQUESTS = 4_000;

    @Test
    void oversizedHeaderListsPoisonTheStockListenerUnlessFrameRecyclingIsOff() throws Exception {
        assumeTrue(H2Load.available(), "h2load (nghttp2-client) is not installed");
        GlassFishServer gf = GlassFishServer.secondDomain(SECOND_DOMAIN);
        try {
            gf.startSecond(Map.of(), Map.of());
            String url = "http://127.0.0.1:" + gf.httpPort() + "/app/echo";

            H2Load.Result fresh = H2Load.run(url, 4, 10, REQUESTS, List.of());
            GlassFishServer.log("stock h2c, fresh: " + fresh.summary());
            assertTrue(fresh.allOk(), () -> "a fresh stock listener: " + fresh.summary() + "\n" + fresh.output());

            sendOversized(gf.httpPort());
            H2Load.Result poisoned = H2Load.run(url, 4, 10, REQUESTS, List.of());
            GlassFishServer.log("stock h2c, after " + OVERSIZED + " oversized header lists: " + poisoned.summary());
            assertTrue(poisoned.s4xx() > 0, () -> "the defect did not reproduce: " + poisoned.summary());

            gf.asadminRemote(Duration.ofMinutes(1), "create-jvm-options", DONT_RECYCLE.replace(":", "\\:"));
            gf.restart();
            sendOversized(gf.httpPort());
            H2Load.Result mitigated = H2Load.run(url, 4, 10, REQUESTS, List.of());
            GlassFishServer.log("stock h2c with " + DONT_RECYCLE + ", after " + OVERSIZED + " oversized: " + mitigated.summary());
            assertTrue(mitigated.allOk(), () -> "with frame recycling off: " + mitigated.summary() + "\n" + mitigated.output());
        } finally {
            gf.destroy();
        }
    }

    /**
     * Thirty GETs with a cookie of random characters well above 4,096 bytes even after HPACK
     * (one HEADERS frame each), on one connection: Grizzly resets each of them.
     */
    private static void sendOversized(int port) {
        SplittableRandom random = new SplittableRandom(16);
        try (RawH2Client h2 = RawH2Client.connect(port)) {
            for (int i = 0; i < OVERSIZED; i++) {
                int stream = h2.newStreamId();
                h2.headers(stream, get(port, "/app/echo", cookie(random, 6_000)), true);
                StreamResult r = h2.take(stream, Duration.ofSeconds(30));
                assertNotNull(r.rstCode, () -> "an oversized header list was not reset: " + r);
                assertEquals(null, r.connectionError, () -> "the connection failed: " + r);
            }
        }
    }

    static List<String[]> get(int port, String path, String cookie) {
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {":method", "GET"});
        h.add(new String[] {":scheme", "http"});
        h.add(new String[] {":path", path});
        h.add(new String[] {":authority", "127.0.0.1:" + port});
        h.add(new String[] {"cookie", cookie});
        return h;
    }

    /** {@code sso=} and {@code chars} random base64 characters (what HPACK cannot shrink much). */
    static String cookie(SplittableRandom random, int chars) {
        byte[] bytes = new byte[chars * 3 / 4];
        random.nextBytes(bytes);
        return "sso=" + Base64.getEncoder().encodeToString(bytes);
    }
}
