package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.api.HttpBody;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The connector's listener is immune to the header-list poisoning of Grizzly 5.0.0
 * (docs/upstream/grizzly-http2-defects.md, defect 8; the stock listener's behaviour is
 * {@link HeaderPoisoningStockListenerIT}'s): while one client sends 100 calls whose header
 * list is above the listener's limit, another client's well-formed calls, batched like
 * Envoy's, all succeed; so do they, and an h2load run through the connector, afterwards and
 * after a pause. Half of the oversized lists are 1.5 times the advertised limit: each is
 * answered {@code RESOURCE_EXHAUSTED} on its own stream, and the connection goes on. The
 * other half are 5 times the limit, past what Grizzly itself accepts (the ones that
 * poison a stock listener): Grizzly truncates them and may end that client's connection.
 */
class HeaderPoisoningIT extends ConnectorTestBase {
    private static final int OVERSIZED = 100;
    private static final int GOOD_CALLS = 400;
    private static final int BATCH = 10;

    @Test
    void oversizedHeaderListsFromOneClientNeverFailAnotherClientsCalls() throws Exception {
        CompletableFuture<List<String>> attacker = CompletableFuture.supplyAsync(this::sendOversized);
        int during = 0;
        while (!attacker.isDone() || during == 0) {
            assertWellFormedCallsSucceed("while oversized header lists arrive");
            during += GOOD_CALLS;
        }
        List<String> answers = attacker.get(5, TimeUnit.MINUTES);
        GlassFishServer.log("oversized header lists answered: " + summarize(answers) + "; " + during
                + " well-formed calls meanwhile");
        assertEquals(OVERSIZED, answers.size());
        assertEquals(OVERSIZED / 2, answers.stream().filter("1.5x: :status 200 grpc-status 8 x-http-code null"::equals).count(),
                () -> "each list within 4 times the limit gets RESOURCE_EXHAUSTED on its own stream: " + summarize(answers));

        assertWellFormedCallsSucceed("right after");
        assumeTrue(H2Load.available(), "h2load (nghttp2-client) is not installed");
        Path body = H2Load.emptyHttpBodyFrame(Path.of("target/it-work"));
        H2Load.Result run = H2Load.run("http://127.0.0.1:" + server.grpcPort() + "/grpcconnector.v1.HttpService/Stream", 16,
                10, 20_000, H2Load.envoyCall(body, "/app/echo"));
        GlassFishServer.log("h2load through the connector after the oversized header lists: " + run.summary());
        assertTrue(run.allOkWithData(MultiplexingIT.ECHO_BYTES), () -> run.summary() + "\n" + run.output());
        Thread.sleep(2_000); // "then again after a pause": nothing is waited for, any pause will do
        assertWellFormedCallsSucceed("after a pause");
    }

    /**
     * 100 Stream calls, alternately 1.5 and 5 times the advertised limit, on one connection
     * (a new one when Grizzly ends it). Returns what each got, prefixed by its size.
     */
    private List<String> sendOversized() {
        List<String> answers = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(100);
        RawH2Client h2 = RawH2Client.connect(server.grpcPort());
        try {
            long limit = h2.serverSetting(6, Duration.ofSeconds(30));
            assertEquals(GlassFishServer.INSTALL_MAX_HEADER_LIST_BYTES, limit, "the advertised limit");
            for (int i = 0; i < OVERSIZED; i++) {
                boolean pastGrizzly = i % 2 == 1;
                int stream = h2.newStreamId();
                List<String[]> headers = envoyHeaders(h2, "/app/echo?oversized=" + i);
                headers.add(new String[] {"cookie", HeaderPoisoningStockListenerIT.cookie(random,
                        (int) (pastGrizzly ? limit * 5 : limit * 3 / 2))});
                String answer;
                try {
                    h2.queueHeaders(stream, headers, false);
                    h2.queueData(stream, RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), true);
                    h2.send();
                    answer = answer(h2.take(stream, Duration.ofSeconds(60)));
                } catch (java.io.UncheckedIOException e) { // Grizzly closed the connection while we wrote
                    answer = "connection: " + e.getCause();
                }
                answers.add((pastGrizzly ? "5x: " : "1.5x: ") + answer);
                if (answer.startsWith("connection") || h2.goaway() != null) {
                    h2.close();
                    h2 = RawH2Client.connect(server.grpcPort());
                }
            }
        } finally {
            h2.close();
        }
        return answers;
    }

    private static String answer(StreamResult r) {
        if (r.connectionError != null) {
            return "connection: " + r.connectionError;
        }
        if (r.rstCode != null) {
            return "RST_STREAM " + r.rstCode;
        }
        return ":status " + r.header(":status") + " grpc-status " + r.grpcStatus() + " x-http-code " + r.header("x-http-code");
    }

    private static String summarize(List<String> answers) {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        answers.forEach(a -> counts.merge(a, 1L, Long::sum));
        return counts.toString();
    }

    /** {@link #GOOD_CALLS} Stream calls on a new connection, {@link #BATCH} HEADERS frames per write. */
    private void assertWellFormedCallsSucceed(String when) {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            for (int done = 0; done < GOOD_CALLS; done += BATCH) {
                List<Integer> streams = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < BATCH; i++) {
                    int stream = h2.newStreamId();
                    String id = UUID.randomUUID().toString();
                    List<String[]> headers = envoyHeaders(h2, "/app/echo?good=" + id);
                    headers.add(new String[] {"cookie", "JSESSIONID=" + id});
                    h2.queueHeaders(stream, headers, false);
                    h2.queueData(stream, RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), true);
                    streams.add(stream);
                    ids.add(id);
                }
                h2.send();
                for (int i = 0; i < BATCH; i++) {
                    StreamResult r = h2.take(streams.get(i), Duration.ofSeconds(60));
                    String id = ids.get(i);
                    assertEquals("200", r.header(":status"), () -> when + ": " + r);
                    assertEquals("0", r.grpcStatus(), () -> when + ": " + r);
                    assertEquals("200", r.header("x-http-code"), () -> when + ": " + r);
                    assertTrue(new String(r.bytes(), java.nio.charset.StandardCharsets.UTF_8).contains(id), () -> when
                            + ": not its own answer: " + r);
                }
            }
        }
    }

    static List<String[]> envoyHeaders(RawH2Client h2, String originalPath) {
        List<String[]> headers = new ArrayList<>(h2.grpcHeaders("grpcconnector.v1.HttpService/Stream"));
        headers.add(new String[] {"x-envoy-original-method", "GET"});
        headers.add(new String[] {"x-envoy-original-path", originalPath});
        return headers;
    }
}
