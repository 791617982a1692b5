package dev.grpcconnector.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs nghttp2's {@code h2load} (Debian's nghttp2-client), the client whose framing is
 * Envoy's upstream codec's: many streams per connection, several HEADERS frames in one
 * write. Only what it counts is used (requests and status classes), never its timings.
 */
final class H2Load {
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
    private static final Pattern DATA = Pattern.compile("traffic: .*?, .*?\\((\\d+)\\) data");

    /** What one run counted. {@code output} is h2load's own report, for failure messages. */
    record Result(int total, int done, int succeeded, int failed, int errored, int s2xx, int s3xx, int s4xx, int s5xx,
            long dataBytes, String output) {
        /** Every request was done and answered 2xx. */
        boolean allOk() {
            return done == total && s2xx == total && failed == 0 && errored == 0;
        }

        /**
         * Every request answered 2xx with at least {@code bytes} of DATA on average: for gRPC
         * calls, whose status h2load cannot see (a refused call is a 200 with trailers only),
         * the sign that each got its response message.
         */
        boolean allOkWithData(int bytes) {
            return allOk() && dataBytes >= (long) bytes * total;
        }

        String summary() {
            return total + " requests: " + s2xx + " 2xx, " + s3xx + " 3xx, " + s4xx + " 4xx, " + s5xx + " 5xx, " + failed
                    + " failed, " + errored + " errored, " + (total - done) + " not done, " + dataBytes + " bytes of data";
        }
    }

    private H2Load() {
    }

    /** True when h2load is on this machine (the integration tests that need it say so when it is not). */
    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/h2load"));
    }

    /**
     * An empty {@code google.api.HttpBody} as one gRPC message (prefix: not compressed,
     * length 0): the body Envoy's transcoder sends for a GET.
     */
    static Path emptyHttpBodyFrame(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("empty-httpbody.bin");
            Files.write(file, new byte[5]);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code h2load -c clients -m streams -n requests} plus {@code extra} arguments
     * against {@code url}, and parses its counts.
     */
    static Result run(String url, int clients, int streams, int requests, List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of("h2load", "-c", String.valueOf(clients), "-m", String.valueOf(streams),
                "-n", String.valueOf(requests)));
        cmd.addAll(extra);
        cmd.add(url);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("h2load did not end: " + cmd);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            Matcher r = REQUESTS.matcher(text);
            Matcher s = STATUS.matcher(text);
            Matcher d = DATA.matcher(text);
            if (!r.find() || !s.find() || !d.find()) {
                throw new AssertionError("h2load printed no counts (rc " + p.exitValue() + "): " + cmd + "\n" + text);
            }
            return new Result(Integer.parseInt(r.group(1)), Integer.parseInt(r.group(3)), Integer.parseInt(r.group(4)),
                    Integer.parseInt(r.group(5)), Integer.parseInt(r.group(6)), Integer.parseInt(s.group(1)),
                    Integer.parseInt(s.group(2)), Integer.parseInt(s.group(3)), Integer.parseInt(s.group(4)),
                    Long.parseLong(d.group(1)), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The arguments that make h2load's requests look like Envoy's transcoded calls: POST of
     * an empty HttpBody to {@code HttpService/Stream} with the Envoy metadata and the
     * edge's secret ({@code url} must then end in {@code /grpcconnector.v1.HttpService/Stream}).
     */
    static List<String> envoyCall(Path body, String originalPath) {
        return List.of("-d", body.toString(), "-H", "content-type: application/grpc", "-H", "te: trailers",
                "-H", "x-envoy-original-method: GET", "-H", "x-envoy-original-path: " + originalPath,
                "-H", EdgeSecret.HEADER + ": " + EdgeSecret.CURRENT);
    }
}
