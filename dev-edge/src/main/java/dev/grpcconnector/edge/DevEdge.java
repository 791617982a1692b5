package dev.grpcconnector.edge;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A development stand-in for Envoy, for machines without it: it takes browser HTTP/1.1
 * requests and forwards each one to the connector as a
 * {@code grpcconnector.v1.HttpService/Stream} call over h2c (or over mutual TLS), doing exactly what this
 * project relies on from Envoy's gRPC-JSON transcoder and the production
 * {@code envoy.yaml} ({@code /work/shared/research/envoy-contract.md}, summarised in
 * {@code docs/dev-edge.md}). <b>Production uses Envoy</b>; this edge has no TLS towards browsers, no HTTP/2
 * towards browsers, no timeouts, no retries, no load balancing and no access log.
 *
 * <p>Run: {@code java -jar dev-edge/target/dev-edge.jar [--port=8080] [--bind=127.0.0.1]
 * [--backend=127.0.0.1:8081] [--secret-file=PATH]} (or system properties
 * {@code grpcconnector.edge.port}, {@code .bind}, {@code .backend}, {@code .secret-file}).
 *
 * <p>With {@code --secret-file}, every call carries the connector listener's shared
 * secret in {@value #SECRET_HEADER} (docs/security.md), as Envoy's credential injector
 * adds it in production, and a browser's own {@value #SECRET_HEADER} is never forwarded.
 * With {@code --tls-keystore=FILE --tls-keystore-password-file=FILE --tls-truststore=FILE
 * [--tls-truststore-password-file=FILE]} it connects to the listener with mutual TLS
 * ({@link UpstreamTls}), as Envoy's cluster with an {@code UpstreamTlsContext} does.
 *
 * <p>The browser side is the JDK's own {@code com.sun.net.httpserver}: it streams both
 * ways (a request body is read as it arrives, chunked or not; a response sent with
 * unknown length is chunked and {@code flush()} sends the bytes written so far at once,
 * which is what server-sent events need), it answers {@code Expect: 100-continue} itself,
 * and it needs no dependency, GlassFish's or other. Each request runs on a virtual thread.
 */
public final class DevEdge implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DevEdge.class.getName());
    /** The metadata entry of the connector's shared secret. */
    static final String SECRET_HEADER = "x-grpc-connector-secret";

    /** The largest response message accepted from the connector (it frames each flush of the application as one message). */
    static final int MAX_RESPONSE_MESSAGE = 64 * 1024 * 1024;
    /** Metadata, e.g. many Set-Cookie lines; Envoy's default header limit is 60 KiB. */
    static final int MAX_METADATA = 64 * 1024;

    private final HttpServer server;
    private final ManagedChannel channel;
    private final ExecutorService threads;
    private final boolean sendsSecret;
    private final boolean tls;

    private DevEdge(HttpServer server, ManagedChannel channel, ExecutorService threads, boolean sendsSecret, boolean tls) {
        this.server = server;
        this.channel = channel;
        this.threads = threads;
        this.sendsSecret = sendsSecret;
        this.tls = tls;
    }

    /** Starts an edge from command-line style arguments ({@code --port=0} picks a free port); close it when done. */
    public static DevEdge start(String... args) throws IOException {
        EdgeSettings settings = EdgeSettings.parse(args, System.getProperties());
        NettyChannelBuilder backend = (settings.tls() == null
                ? NettyChannelBuilder.forAddress(settings.backendHost(), settings.backendPort()).usePlaintext()
                : NettyChannelBuilder.forAddress(settings.backendHost(), settings.backendPort(), settings.tls().credentials()))
                .maxInboundMessageSize(MAX_RESPONSE_MESSAGE)
                .maxInboundMetadataSize(MAX_METADATA);
        String secret = settings.secret();
        if (secret != null) {
            Metadata credential = new Metadata();
            credential.put(RequestMetadata.ascii(SECRET_HEADER), secret);
            backend.intercept(MetadataUtils.newAttachHeadersInterceptor(credential));
        }
        ManagedChannel channel = backend.build();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 0);
            server.createContext("/", new EdgeHandler(channel));
            server.setExecutor(threads);
            server.start();
            return new DevEdge(server, channel, threads, secret != null, settings.tls() != null);
        } catch (IOException | RuntimeException e) {
            channel.shutdownNow();
            threads.shutdownNow();
            throw e;
        }
    }

    /** The port browsers connect to. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening, cancels the calls in flight and releases the backend connection. */
    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        channel.shutdownNow();
        try {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws IOException {
        DevEdge edge;
        try {
            edge = start(args);
        } catch (IllegalArgumentException e) {
            System.err.println("dev-edge: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(edge::close, "dev-edge-stop"));
        LOG.log(System.Logger.Level.INFO, "development edge on http://{0}:{1,number,#} forwarding to {2}"
                + " (HttpService/Stream over {3}, {4}); production uses Envoy",
                edge.server.getAddress().getHostString(), edge.port(), edge.channel.authority(),
                edge.tls ? "TLS with a client certificate" : "h2c",
                edge.sendsSecret ? "with the shared secret" : edge.tls ? "no shared secret"
                        : "no credential: the connector must be insecure");
    }
}
