package dev.grpcconnector.edge;

import com.google.api.HttpBody;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on a free loopback port that plays the connector's part exactly as a test
 * scripts it: it records the Stream call's metadata and request messages, and when the
 * request is complete hands the raw {@link ServerCall} to the test's {@link Script}, which
 * sends headers, messages and the status (or closes without headers: trailers-only).
 */
final class FakeBackend implements AutoCloseable {

    /** What the backend answers once the request's messages are all in. */
    @FunctionalInterface
    interface Script {
        void respond(ServerCall<HttpBody, HttpBody> call) throws Exception;
    }

    /** One received Stream call. */
    record Received(String method, String authority, Metadata metadata, List<HttpBody> messages) {
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    final HealthStatusManager health = new HealthStatusManager();
    /** Counted down when a Stream call is cancelled by its client (the edge). */
    final java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    private volatile Script script = call -> call.close(io.grpc.Status.UNIMPLEMENTED.withDescription("no script"), new Metadata());
    private final Server server;

    FakeBackend() throws IOException {
        ServerServiceDefinition stream = ServerServiceDefinition.builder(HttpServiceGrpc.SERVICE_NAME)
                .addMethod(HttpServiceGrpc.getStreamMethod(), new ServerCallHandler<HttpBody, HttpBody>() {
                    @Override
                    public ServerCall.Listener<HttpBody> startCall(ServerCall<HttpBody, HttpBody> call, Metadata headers) {
                        List<HttpBody> messages = new CopyOnWriteArrayList<>();
                        call.request(1);
                        return new ServerCall.Listener<>() {
                            @Override
                            public void onMessage(HttpBody message) {
                                messages.add(message);
                                call.request(1);
                            }

                            @Override
                            public void onCancel() {
                                cancelled.countDown();
                            }

                            @Override
                            public void onHalfClose() {
                                received.add(new Received(call.getMethodDescriptor().getFullMethodName(), call.getAuthority(),
                                        headers, List.copyOf(messages)));
                                try {
                                    script.respond(call);
                                } catch (Exception e) {
                                    throw new AssertionError("the test's script failed", e);
                                }
                            }
                        };
                    }
                })
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(stream)
                .addService(health.getHealthService())
                .build()
                .start();
    }

    FakeBackend script(Script s) {
        script = s;
        return this;
    }

    int port() {
        return server.getPort();
    }

    Received only() {
        if (received.size() != 1) {
            throw new AssertionError("expected exactly one Stream call, got " + received.size());
        }
        return received.get(0);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
    }
}
