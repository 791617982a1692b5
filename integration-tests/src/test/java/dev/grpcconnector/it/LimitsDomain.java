package dev.grpcconnector.it;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A second GlassFish domain whose connector has short limits, shared by the tests of those
 * limits (the shared domain keeps the defaults, which a test cannot wait out): a stream
 * idle timeout of {@value #IDLE_TIMEOUT_SECONDS} s, at most {@value #MAX_CALLS_PER_CONNECTION}
 * calls in flight per connection and {@value #APPLICATION_THREADS} application threads.
 * Started by the first test class that uses it, destroyed when the run ends.
 */
final class LimitsDomain implements BeforeAllCallback {
    static final int IDLE_TIMEOUT_SECONDS = 5;
    static final int MAX_CALLS_PER_CONNECTION = 6;
    static final int APPLICATION_THREADS = 16;
    static final String HANDLE = "grpcconnector.v1.HttpService/Handle";
    static final String STREAM = "grpcconnector.v1.HttpService/Stream";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LimitsDomain.class);
    private static GlassFishServer server;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NS).getOrComputeIfAbsent(LimitsDomain.class, k -> start(), Running.class);
    }

    /** The running domain (after {@link #beforeAll}). */
    static synchronized GlassFishServer server() {
        return server;
    }

    private static synchronized Running start() {
        GlassFishServer gf = GlassFishServer.secondDomain("grpc-it-limits");
        gf.startSecond(Map.of(), Map.of(
                "grpc-connector-stream-idle-timeout-seconds", String.valueOf(IDLE_TIMEOUT_SECONDS),
                "grpc-connector-max-calls-per-connection", String.valueOf(MAX_CALLS_PER_CONNECTION),
                "grpc-connector-application-threads", String.valueOf(APPLICATION_THREADS)));
        server = gf;
        return new Running(gf);
    }

    /** Destroys the domain when JUnit closes the root store. */
    private record Running(GlassFishServer gf) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            gf.destroy();
        }
    }

    // ---------------------------------------------------------------------- helpers

    /** The headers Envoy sends for {@code method path}, to HttpService's {@code fullMethod}. */
    static List<String[]> envoyHeaders(RawH2Client h2, String fullMethod, String method, String path) {
        return h2.envoyHeaders(fullMethod, method, path);
    }

    /** One gRPC-framed HttpBody message. */
    static byte[] message(String contentType, byte[] data) {
        return RawH2Client.grpcFrame(false, HttpBody.newBuilder().setContentType(contentType)
                .setData(ByteString.copyFrom(data)).build().toByteArray());
    }

    /**
     * The start of a gRPC-framed HttpBody message of {@code dataLength} data bytes: its
     * prefix, content type, the data field's tag and length, and the first {@code firstData}
     * bytes of the data. The rest of the data may follow in any pieces. (A message above
     * 64 KiB is decoded as it arrives, so its bytes must be a valid HttpBody from the first.)
     */
    static byte[] messageStart(String contentType, int dataLength, byte[] firstData) {
        byte[] whole = message(contentType, new byte[dataLength]);
        byte[] start = Arrays.copyOf(whole, whole.length - dataLength + firstData.length);
        System.arraycopy(firstData, 0, start, whole.length - dataLength, firstData.length);
        return start;
    }

    /** An empty HttpBody message, what Envoy sends for a request without a body. */
    static byte[] emptyMessage() {
        return RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray());
    }

    /** The data of every HttpBody message in {@code grpc} (gRPC length-prefixed frames), concatenated. */
    static byte[] httpBodyData(byte[] grpc) {
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer frames = java.nio.ByteBuffer.wrap(grpc);
        try {
            while (frames.remaining() >= 5) {
                frames.get();
                byte[] message = new byte[frames.getInt()];
                frames.get(message);
                HttpBody.parseFrom(message).getData().writeTo(data);
            }
        } catch (IOException e) {
            throw new AssertionError("not an HttpBody message: " + e, e);
        }
        return data.toByteArray();
    }

    /** GET over the domain's plain HTTP listener (not the connector's, whose threads a test may be holding). */
    static HttpResponse<byte[]> direct(GlassFishServer gf, String pathAndQuery) {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            URI uri = gf.httpUri(pathAndQuery);
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError("direct GET " + pathAndQuery + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
