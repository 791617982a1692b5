package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Envoy-shaped multiplexing through the connector without a single failure (issue 10,
 * item 1), driven with nghttp2's {@code h2load}, which batches HEADERS frames as Envoy's
 * upstream codec does: {@code h2load -c 16 -m 10 -n 20000} with a pre-encoded empty HttpBody,
 * Envoy's {@code x-envoy-original-*} metadata and the edge's secret gets 20,000 2xx; so does
 * every {@code -m} of a sample of 1..100 ({@code -Dit.multiplexing.streams=1,2,...}, or
 * {@code all}; {@code benchmarks/multiplexing.sh} runs all 100 on a running server).
 */
class MultiplexingIT extends ConnectorTestBase {
    /** Always in the sample: both ends, Envoy's old default 100, and values around 10 where the 431s were seen. */
    private static final int[] FIXED = {1, 2, 5, 9, 10, 11, 16, 50, 99, 100};
    /** Less than the HttpBody message of any {@code /app/echo} answer (its JSON alone is over 400 bytes). */
    static final int ECHO_BYTES = 300;
    private static Path body;
    private static String url;

    @BeforeAll
    static void h2load() {
        assumeTrue(H2Load.available(), "h2load (nghttp2-client) is not installed");
        body = H2Load.emptyHttpBodyFrame(Path.of("target/it-work"));
        url = "http://127.0.0.1:" + server.grpcPort() + "/grpcconnector.v1.HttpService/Stream";
    }

    @Test
    void theIssuesRunHasNoNon2xx() {
        H2Load.Result r = H2Load.run(url, 16, 10, 20_000, H2Load.envoyCall(body, "/app/echo"));
        GlassFishServer.log("h2load -c 16 -m 10 -n 20000 through the connector: " + r.summary());
        assertTrue(r.allOkWithData(ECHO_BYTES), () -> r.summary() + "\n" + r.output());
    }

    @Test
    void everySampledStreamCountFrom1To100HasNoNon2xx() {
        List<String> failures = new ArrayList<>();
        for (int m : streamCounts()) {
            int requests = Math.max(2_000, 16 * m * 4);
            H2Load.Result r = H2Load.run(url, 16, m, requests, H2Load.envoyCall(body, "/app/echo?m=" + m));
            GlassFishServer.log("h2load -c 16 -m " + m + " -n " + requests + ": " + r.summary());
            if (!r.allOkWithData(ECHO_BYTES)) {
                failures.add("-m " + m + ": " + r.summary());
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }

    /** The fixed values plus five drawn from 1..100, different on every run (printed, to repeat one). */
    private static TreeSet<Integer> streamCounts() {
        String given = System.getProperty("it.multiplexing.streams", "");
        TreeSet<Integer> counts = new TreeSet<>();
        if (given.equals("all")) {
            for (int m = 1; m <= 100; m++) {
                counts.add(m);
            }
        } else if (!given.isBlank()) {
            Arrays.stream(given.split(",")).map(String::trim).map(Integer::valueOf).forEach(counts::add);
        } else {
            Arrays.stream(FIXED).forEach(counts::add);
            long seed = System.nanoTime();
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            while (counts.size() < FIXED.length + 5) {
                counts.add(1 + random.nextInt(100));
            }
        }
        GlassFishServer.log("h2load stream counts (-Dit.multiplexing.streams=...): " + counts);
        return counts;
    }
}
