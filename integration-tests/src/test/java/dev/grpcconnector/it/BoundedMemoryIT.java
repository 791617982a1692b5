package dev.grpcconnector.it;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3, item 3: with GlassFish running at {@code -Xmx256m}, a 2 GiB download and a
 * 2 GiB upload through the streaming {@code Stream} method both succeed and arrive
 * byte-identical (SHA-256 compared), which a connector that buffered a body whole could
 * not do in that heap.
 *
 * <p>Runs on a domain of its own ({@link GlassFishServer#secondDomain}) whose server-config
 * {@code -Xmx512m} is replaced by {@code -Xmx256m} before the start. The client never
 * holds a body: the download observer hashes each message as it arrives, the upload sends
 * the same 1 MiB ByteString 2048 times (the /bytes pattern repeats every 256 bytes, so
 * every 1 MiB block of it is identical) and respects grpc-java's flow control
 * ({@code isReady}/{@code setOnReadyHandler}). While the calls run, {@code jstat -gc} samples
 * the server's heap; durations, MB/s and the heap high-water are logged, never asserted.
 *
 * <p>The upload is also the regression test for Grizzly's connection-window double credit
 * (docs/upstream/grizzly-http2-defects.md #5): without {@code ConnectionWindowFilter},
 * grpc-java ends the connection after about 2 GiB ("Window size overflow for stream: 0").
 */
class BoundedMemoryIT {

    static final String SECOND_DOMAIN = "grpc-it-bounded";
    static final String XMX = "-Xmx256m";
    static final long SIZE = 2L * 1024 * 1024 * 1024;
    static final int BLOCK = 1024 * 1024;
    /** The upload's size, in MiB; 2048 unless {@code -Dit.bounded-memory.upload-mib=N} (for bisecting a failure). */
    static final long UPLOAD = Long.getLong("it.bounded-memory.upload-mib", 2048) * BLOCK;
    static final long DEADLINE_SECONDS = 600;
    static final Pattern LENGTH = Pattern.compile("\"length\"\\s*:\\s*(\\d+)");
    static final Pattern SHA = Pattern.compile("\"sha256\"\\s*:\\s*\"([0-9a-f]{64})\"");

    @Test
    void twoGibDownloadAndUploadWithQuarterGibHeap() throws Exception {
        String expected = sha256OfPattern(SIZE);

        GlassFishServer gf = GlassFishServer.secondDomain(SECOND_DOMAIN).jvmOptions(XMX);
        HeapSampler heap = null;
        try {
            gf.startSecond(Map.of(), Map.of());
            long pid = gf.serverPid();
            String cmd = ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
            GlassFishServer.log("bounded-memory domain pid " + pid + ", -Xmx options on its command line: "
                    + Arrays.stream(cmd.split(" ")).filter(a -> a.startsWith("-Xmx")).toList());
            assertTrue(cmd.isEmpty() || (cmd.contains(XMX) && !cmd.contains("-Xmx512m")),
                    () -> "the server does not run with " + XMX + " only: " + cmd);
            heap = HeapSampler.start(pid);
            heap.mark("idle");
            // One connection per call: each moves 2 GiB, and a connection's flow-control
            // accounting is then not shared between the two.
            GlassFishServer.sleep(2000);
            heap.mark("download");
            try (HttpBodyClient client = HttpBodyClient.connect(gf.grpcPort())) {
                download(client, expected);
            }
            heap.mark("upload");
            try (HttpBodyClient client = HttpBodyClient.connect(gf.grpcPort())) {
                upload(client, expected);
            }
            heap.mark("end");
            long hold = Long.getLong("it.bounded-memory.hold-seconds", 0);
            if (hold > 0) { // keeps the domain up, e.g. for benchmarks/heap-high-water.sh
                GlassFishServer.log("holding " + SECOND_DOMAIN + " (pid " + pid + ", grpc port " + gf.grpcPort() + ") for " + hold + " s");
                GlassFishServer.sleep(hold * 1000);
            }
        } finally {
            if (heap != null) {
                heap.stop();
                GlassFishServer.log("server heap (jstat -gc, used = S0U+S1U+EU+OU): " + heap.summary());
            }
            gf.destroy();
        }
    }

    /** SHA-256 of the first {@code size} bytes (a multiple of 1 MiB) of the /bytes pattern. */
    static String sha256OfPattern(long size) throws Exception {
        byte[] block = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            block[i] = (byte) ((i * 31L + 7) & 0xff);
        }
        MessageDigest local = MessageDigest.getInstance("SHA-256");
        for (long done = 0; done < size; done += BLOCK) {
            local.update(block);
        }
        return HexFormat.of().formatHex(local.digest());
    }

    void download(HttpBodyClient client, String expected) throws Exception {
        Request request = Request.get("/app/bytes?size=" + SIZE).deadlineSeconds(DEADLINE_SECONDS);
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        AtomicLong bytes = new AtomicLong();
        AtomicLong messages = new AtomicLong();
        AtomicLong largest = new AtomicLong();
        CompletableFuture<Status> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        StreamObserver<HttpBody> requests = HttpServiceGrpc.newStub(client.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(request.metadata()),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .stream(new StreamObserver<>() {
                    @Override
                    public void onNext(HttpBody m) {
                        // grpc-java calls one observer serially: no lock needed for the digest.
                        for (ByteBuffer b : m.getData().asReadOnlyByteBufferList()) {
                            sha.update(b);
                        }
                        bytes.addAndGet(m.getData().size());
                        messages.incrementAndGet();
                        largest.accumulateAndGet(m.getData().size(), Math::max);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(Status.OK);
                    }
                });
        requests.onNext(request.message());
        requests.onCompleted();
        Status status = done.get(DEADLINE_SECONDS + 30, TimeUnit.SECONDS);
        long nanos = System.nanoTime() - t0;
        String got = HexFormat.of().formatHex(sha.digest());
        GlassFishServer.log(String.format("2 GiB Stream download: %s, %d bytes in %d messages (largest %d B), %.1f s, %.1f MB/s",
                status.getCode(), bytes.get(), messages.get(), largest.get(), nanos / 1e9, bytes.get() / 1e6 / (nanos / 1e9)));
        assertTrue(status.isOk(), () -> "download ended " + status + ", trailers " + trailers.get());
        assertNotNull(headers.get(), "no response headers");
        assertEquals("200", headers.get().get(HttpBodyClient.X_HTTP_CODE), "x-http-code");
        assertEquals(SIZE, bytes.get(), "downloaded bytes");
        assertEquals(expected, got, "SHA-256 of the download");
    }

    void upload(HttpBodyClient client, String expected) throws Exception {
        Request request = Request.of("POST", "/app/upload?size=" + UPLOAD).deadlineSeconds(DEADLINE_SECONDS);
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        byte[] pattern = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            pattern[i] = (byte) ((i * 31L + 7) & 0xff);
        }
        ByteString block = ByteString.copyFrom(pattern);
        long blocks = UPLOAD / BLOCK;
        String expectedUpload = UPLOAD == SIZE ? expected : sha256OfPattern(UPLOAD);
        StringBuilder reply = new StringBuilder();
        CompletableFuture<Status> done = new CompletableFuture<>();
        AtomicLong sent = new AtomicLong();
        AtomicLong readyWaits = new AtomicLong();
        long t0 = System.nanoTime();
        HttpServiceGrpc.newStub(client.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(request.metadata()),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                .stream(new ClientResponseObserver<HttpBody, HttpBody>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<HttpBody> requests) {
                        requests.setOnReadyHandler(() -> {
                            // Called on the call's executor, serially; sends while the
                            // transport's buffer has room, then waits for the next onReady.
                            while (requests.isReady() && sent.get() < blocks) {
                                long n = sent.getAndIncrement();
                                requests.onNext(HttpBody.newBuilder()
                                        .setContentType(n == 0 ? "application/octet-stream" : "")
                                        .setData(block)
                                        .build());
                                if (n + 1 == blocks) {
                                    requests.onCompleted();
                                }
                            }
                            if (sent.get() < blocks) {
                                readyWaits.incrementAndGet();
                            }
                        });
                    }

                    @Override
                    public void onNext(HttpBody m) {
                        reply.append(m.getData().toStringUtf8());
                    }

                    @Override
                    public void onError(Throwable t) {
                        GlassFishServer.log(String.format("upload failed after %.1f s with %d messages handed to grpc-java: %s",
                                (System.nanoTime() - t0) / 1e9, sent.get(), t));
                        done.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(Status.OK);
                    }
                });
        Status status = done.get(DEADLINE_SECONDS + 30, TimeUnit.SECONDS);
        long nanos = System.nanoTime() - t0;
        long bytes = sent.get() * BLOCK;
        GlassFishServer.log(String.format(UPLOAD / BLOCK + " MiB Stream upload: %s, %d bytes sent in %d messages (%d waits for onReady), %.1f s, %.1f MB/s; reply %s",
                status.getCode(), bytes, sent.get(), readyWaits.get(), nanos / 1e9, bytes / 1e6 / (nanos / 1e9), reply));
        assertTrue(status.isOk(), () -> "upload ended " + status + ", trailers " + trailers.get());
        assertNotNull(headers.get(), "no response headers");
        assertEquals("200", headers.get().get(HttpBodyClient.X_HTTP_CODE), () -> "x-http-code; reply " + reply);
        Matcher length = LENGTH.matcher(reply);
        Matcher sha = SHA.matcher(reply);
        assertTrue(length.find() && sha.find(), () -> "no length/sha256 in the reply: " + reply);
        assertEquals(UPLOAD, Long.parseLong(length.group(1)), "length the servlet read");
        assertEquals(expectedUpload, sha.group(1), "SHA-256 the servlet computed");
    }

    /** {@code jstat -gc PID 500} in the background: the used heap (KiB) over time, with marks. */
    static final class HeapSampler {
        final Process process;
        final Thread reader;
        volatile long lastUsedKb = -1;
        volatile long maxUsedKb = -1;
        volatile long samples;
        final StringBuilder phases = new StringBuilder();
        volatile String phase = "start";
        volatile long phaseMaxKb = -1;

        private HeapSampler(Process process) {
            this.process = process;
            this.reader = new Thread(this::read, "jstat-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static HeapSampler start(long pid) throws Exception {
            String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
            Process p = new ProcessBuilder(jstat, "-gc", String.valueOf(pid), "500").redirectErrorStream(true).start();
            HeapSampler s = new HeapSampler(p);
            GlassFishServer.sleep(1500);
            return s;
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> header = null;
                String line;
                while ((line = r.readLine()) != null) {
                    List<String> cols = Arrays.asList(line.trim().split("\\s+"));
                    if (cols.contains("EU")) {
                        header = cols;
                        continue;
                    }
                    if (header == null || cols.size() != header.size()) {
                        continue;
                    }
                    double used = 0;
                    for (String c : List.of("S0U", "S1U", "EU", "OU")) {
                        used += Double.parseDouble(cols.get(header.indexOf(c)));
                    }
                    long kb = (long) used;
                    synchronized (this) {
                        lastUsedKb = kb;
                        maxUsedKb = Math.max(maxUsedKb, kb);
                        phaseMaxKb = Math.max(phaseMaxKb, kb);
                        samples++;
                    }
                }
            } catch (Exception e) {
                GlassFishServer.log("jstat reader: " + e);
            }
        }

        synchronized void mark(String next) {
            if (!phase.equals("start")) {
                phases.append(phase).append(" max ").append(phaseMaxKb / 1024).append(" MiB; ");
            }
            phase = next;
            phaseMaxKb = lastUsedKb;
        }

        void stop() {
            mark("stopped");
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized String summary() {
            return phases + "overall max " + maxUsedKb / 1024 + " MiB in " + samples + " samples every 500 ms";
        }
    }
}
