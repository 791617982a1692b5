package dev.grpcconnector.it;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import dev.grpcconnector.it.HttpBodyClient.StreamCall;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3: 200 {@code Stream} calls started at once over four connections (four channels;
 * grpc-java uses one connection per channel), 50 per connection, mixing downloads
 * ({@code /app/bytes?size=N}) and uploads ({@code POST /app/upload}, the body sent as
 * several HttpBody messages of at most 64 KiB, as Envoy streams a request body) of sizes
 * 0 B to 1 MiB. Every call must end OK with HTTP 200, every download must be the exact
 * /bytes pattern and every upload must be reported with the exact length and SHA-256.
 * All problems are collected and reported together. The duration is logged, not asserted.
 *
 * <p>It found a deadlock: with more calls than the listener has worker threads (64), every
 * worker ended up blocked in the last write of a response (the defect 2 workaround waits
 * until the data writes completed), those writes waited for the client's WINDOW_UPDATE
 * frames, and reading them needed a worker thread: no thread was left to read the
 * connections (10 to 54 of 200 calls failed). The connector now runs applications on
 * threads of its own ({@code ApplicationThreads}); the listener's workers only read.
 */
class ConcurrentStreamsIT extends ConnectorTestBase {

    static final int CONNECTIONS = 4;
    /** 200; {@code -Dit.concurrent-streams.calls=N} for a smaller or larger run (a multiple of 4). */
    static final int CALLS = Integer.getInteger("it.concurrent-streams.calls", 200);
    static final int[] SIZES = {0, 1, 1000, 70_000, 300_000, 1_048_576};
    static final int MAX_MESSAGE = 64 * 1024;
    static final long DEADLINE_SECONDS = 120;

    /** One planned call: a download or an upload of {@code size} bytes on connection {@code connection}. */
    record Plan(int index, int connection, boolean upload, int size) {
        @Override
        public String toString() {
            return "#" + index + " conn " + connection + " " + (upload ? "upload " : "download ") + size + " B";
        }
    }

    @Test
    void mixedStreamsOverFourConnections() throws Exception {
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            // i % 4 picks the connection; on each connection the calls alternate download and
            // upload, and each pair of them takes the next size: every connection carries
            // every size in both directions.
            int c = i % CONNECTIONS;
            int k = i / CONNECTIONS;
            plans.add(new Plan(i, c, k % 2 == 1, SIZES[(k / 2 + c) % SIZES.length]));
        }
        List<HttpBodyClient> clients = new ArrayList<>();
        try {
            for (int c = 0; c < CONNECTIONS; c++) {
                HttpBodyClient client = HttpBodyClient.connect(server.grpcPort());
                clients.add(client);
                // Open the connection first, so that all 200 calls go out over established connections.
                Response warm = client.handle(Request.get("/app/echo?warm=" + c));
                assertTrue(warm.ok(), warm::toString);
            }

            // Prepare every upload body before the clock starts.
            byte[][] bodies = new byte[CALLS][];
            for (Plan p : plans) {
                if (p.upload()) {
                    bodies[p.index()] = new byte[p.size()];
                    new Random(0x5eed_0000L + p.index()).nextBytes(bodies[p.index()]);
                }
            }

            Instant t0 = Instant.now();
            List<CompletableFuture<StreamResponse>> calls = new ArrayList<>();
            for (Plan p : plans) {
                HttpBodyClient client = clients.get(p.connection());
                calls.add(p.upload() ? upload(client, p, bodies[p.index()])
                        : client.startStream(Request.get("/app/bytes?size=" + p.size()).deadlineSeconds(DEADLINE_SECONDS))
                                .future());
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .get(DEADLINE_SECONDS + 30, TimeUnit.SECONDS);
            Duration took = Duration.between(t0, Instant.now());

            List<String> problems = new ArrayList<>();
            long bytes = 0;
            for (Plan p : plans) {
                StreamResponse r = calls.get(p.index()).join();
                String problem = check(p, r, bodies[p.index()]);
                if (problem != null) {
                    problems.add(p + ": " + problem);
                }
                bytes += p.size();
            }
            System.out.printf("ConcurrentStreamsIT: %d Stream calls (%d per connection, %d connections, %d bytes of bodies)"
                            + " took %d ms, %d failed%n", CALLS, CALLS / CONNECTIONS, CONNECTIONS, bytes, took.toMillis(),
                    problems.size());
            assertTrue(problems.isEmpty(), () -> problems.size() + " of " + CALLS + " calls failed:\n  "
                    + String.join("\n  ", problems));
        } finally {
            for (HttpBodyClient c : clients) {
                c.close();
            }
        }
    }

    /** null when the response is right, otherwise what is wrong. */
    static String check(Plan p, StreamResponse r, byte[] uploaded) {
        if (!r.ok()) {
            return "gRPC " + r;
        }
        if (r.httpCode() != 200) {
            return "x-http-code " + r.httpCode() + ", " + r + ", body: "
                    + utf8(r.data()).replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        }
        byte[] data = r.data();
        if (!p.upload()) {
            if (data.length != p.size()) {
                return "got " + data.length + " bytes in " + r.messages().size() + " messages";
            }
            for (int i = 0; i < data.length; i++) {
                if (data[i] != (byte) ((i * 31L + 7) & 0xff)) {
                    return "byte " + i + " is " + (data[i] & 0xff) + ", expected " + ((i * 31 + 7) & 0xff);
                }
            }
            if (p.size() > 0 && !"application/octet-stream".equals(r.contentType())) {
                return "content type of the first message '" + r.contentType() + "'";
            }
            return null;
        }
        Map<String, Object> json;
        try {
            json = MiniJson.object(utf8(data));
        } catch (RuntimeException e) {
            return "not JSON (" + e + "): " + r;
        }
        if (((Number) json.get("length")).longValue() != uploaded.length) {
            return "the servlet read " + json.get("length") + " bytes: " + json;
        }
        if (!sha256(uploaded).equals(json.get("sha256"))) {
            return "sha-256 differs: sent " + sha256(uploaded) + ", servlet read " + json;
        }
        return null;
    }

    /**
     * A Stream call POSTing {@code body} to /app/upload as Envoy streams a request body:
     * messages of at most 64 KiB, the content type in the first, then half-close. An empty
     * body is one empty message.
     */
    static CompletableFuture<StreamResponse> upload(HttpBodyClient client, Plan p, byte[] body) {
        Request request = Request.of("POST", "/app/upload?call=" + p.index()).deadlineSeconds(DEADLINE_SECONDS);
        StreamCall call = new StreamCall();
        StreamObserver<HttpBody> requests = HttpServiceGrpc.newStub(client.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(request.metadata()),
                        MetadataUtils.newCaptureMetadataInterceptor(call.headers, call.trailers))
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .stream(call);
        int offset = 0;
        do {
            int n = Math.min(MAX_MESSAGE, body.length - offset);
            requests.onNext(HttpBody.newBuilder()
                    .setContentType(offset == 0 ? "application/octet-stream" : "")
                    .setData(ByteString.copyFrom(body, offset, n))
                    .build());
            offset += n;
        } while (offset < body.length);
        requests.onCompleted();
        return call.future();
    }
}
