package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.testservices.v1.Chunk;
import dev.grpcconnector.testservices.v1.CountRequest;
import dev.grpcconnector.testservices.v1.EchoReply;
import dev.grpcconnector.testservices.v1.EchoRequest;
import dev.grpcconnector.testservices.v1.EnvironmentReport;
import dev.grpcconnector.testservices.v1.FailRequest;
import dev.grpcconnector.testservices.v1.SumReply;
import dev.grpcconnector.testservices.v1.TestServiceGrpc;
import dev.grpcconnector.testservices.v1.WaitReport;
import dev.grpcconnector.testservices.v1.WaitRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Typed gRPC services (issue 13, docs/grpc-services.md) on the real GlassFish: the test
 * application {@code grpc-connector-test-services-webapp} provides
 * {@code grpcconnector.testing.v1.TestService} as a CDI bean; a grpc-java client calls it
 * through the connector's listener, on the same connection as HttpBody calls.
 */
class TypedServicesIT extends ConnectorTestBase {
    static final String APP = "typed-services-it";
    static final Metadata.Key<String> ECHO = Metadata.Key.of("x-echo", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> ECHOED = Metadata.Key.of("x-echoed", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TRAILER = Metadata.Key.of("x-trailer", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> DETAIL = Metadata.Key.of("x-detail", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<byte[]> ECHO_BIN = Metadata.Key.of("x-echo-bin", Metadata.BINARY_BYTE_MARSHALLER);
    private static final ExecutorService POOL = Executors.newFixedThreadPool(16);

    @BeforeAll
    static void deploy() {
        deployServices(APP);
    }

    @AfterAll
    static void undeploy() {
        POOL.shutdownNow();
        server.asadminRemote(Duration.ofMinutes(3), "undeploy", APP);
    }

    static void deployServices(String name) {
        Path war = Path.of(System.getProperty("it.services.war", "target/it-artifacts/grpc-connector-test-services-webapp.war"));
        server.asadminRemote(Duration.ofMinutes(3), "deploy", "--name", name, "--contextroot", name, "--force=true",
                war.toAbsolutePath().toString());
    }

    static TestServiceGrpc.TestServiceBlockingStub blocking(ManagedChannel channel) {
        return TestServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void unaryCallCarriesHeadersAndTrailersBothWays() {
        Metadata sent = new Metadata();
        sent.put(ECHO, "value " + System.nanoTime());
        byte[] binary = {0, 1, 2, (byte) 0xff, 10, 13};
        sent.put(ECHO_BIN, binary);
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        EchoReply reply = blocking(grpc.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sent),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .echo(EchoRequest.newBuilder().setText("grüße ✓").build());
        assertEquals("grüße ✓", reply.getText());
        assertEquals(sent.get(ECHO), headers.get().get(ECHOED), "request metadata reached the service's interceptor");
        assertEquals("done", trailers.get().get(TRAILER));
        assertArrayEquals(binary, trailers.get().get(ECHO_BIN), "binary metadata arrives and returns unchanged");
    }

    @Test
    void anErrorIsTheServicesStatusWithItsTrailers() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> blocking(grpc.channel())
                .fail(FailRequest.newBuilder().setCode(Status.Code.INVALID_ARGUMENT.value())
                        .setMessage("b must not be negative: −3 % done").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("b must not be negative: −3 % done", e.getStatus().getDescription());
        assertEquals("detail of 3", e.getTrailers().get(DETAIL));
        for (Status.Code code : List.of(Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED, Status.Code.ABORTED,
                Status.Code.FAILED_PRECONDITION)) {
            StatusRuntimeException other = assertThrows(StatusRuntimeException.class, () -> blocking(grpc.channel())
                    .fail(FailRequest.newBuilder().setCode(code.value()).setMessage(code.name()).build()));
            assertEquals(code, other.getStatus().getCode());
            assertEquals(code.name(), other.getStatus().getDescription());
        }
    }

    @Test
    void anUnknownMethodOfARegisteredServiceIsUnimplemented() {
        MethodDescriptor<byte[], byte[]> nope = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName("grpcconnector.testing.v1.TestService/Nope")
                .setRequestMarshaller(HttpBodyClient.BytesMarshaller.INSTANCE)
                .setResponseMarshaller(HttpBodyClient.BytesMarshaller.INSTANCE).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                grpc.channel(), nope, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), new byte[0]));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode(), e::toString);
    }

    @Test
    void largeMessagesCrossBothWays() {
        String text = "x".repeat(6 * 1024 * 1024);
        assertEquals(text, blocking(grpc.channel()).echo(EchoRequest.newBuilder().setText(text).build()).getText());
    }

    @Test
    void serverStreamingWaitsForASlowClient() throws InterruptedException {
        // A 64 KiB window: the server's 4 MiB must wait for the client to read.
        try (HttpBodyClient slow = HttpBodyClient.connectWithWindow(server.grpcPort(), 65_535)) {
            Iterator<Chunk> chunks = blocking(slow.channel()).count(CountRequest.newBuilder().setCount(64)
                    .setSize(64 * 1024).build());
            int n = 0;
            Chunk last = null;
            while (chunks.hasNext()) {
                Chunk chunk = chunks.next();
                assertEquals(n, chunk.getIndex(), "in order");
                assertEquals(64 * 1024, chunk.getData().size());
                n++;
                last = chunk;
                Thread.sleep(10);
            }
            assertEquals(64, n);
            assertTrue(last.getNotReadySoFar() > 0, "the service saw isReady() false while the client was behind");
        }
    }

    @Test
    void clientStreamingHoldsTheClientBackWhileTheServiceIsSlow() throws Exception {
        CompletableFuture<SumReply> result = new CompletableFuture<>();
        AtomicInteger notReady = new AtomicInteger();
        Object ready = new Object();
        AtomicReference<ClientCallStreamObserver<Chunk>> requests = new AtomicReference<>();
        TestServiceGrpc.newStub(grpc.channel()).withDeadlineAfter(120, TimeUnit.SECONDS)
                .sum(new ClientResponseObserver<Chunk, SumReply>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<Chunk> stream) {
                        requests.set(stream);
                        stream.setOnReadyHandler(() -> {
                            synchronized (ready) {
                                ready.notifyAll();
                            }
                        });
                    }

                    @Override
                    public void onNext(SumReply value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        ByteString data = ByteString.copyFrom(new byte[64 * 1024]);
        for (int i = 0; i < 64; i++) {
            synchronized (ready) {
                while (!requests.get().isReady()) {
                    notReady.incrementAndGet();
                    ready.wait(1000);
                }
            }
            requests.get().onNext(Chunk.newBuilder().setIndex(i).setData(data).setPauseMillis(5).build());
        }
        requests.get().onCompleted();
        SumReply sum = result.get(120, TimeUnit.SECONDS);
        assertEquals(64, sum.getChunks());
        assertEquals(64L * 64 * 1024, sum.getBytes());
        assertTrue(notReady.get() > 0, "the client was held back by flow control while the service was slow");
    }

    @Test
    void bidirectionalStreamingEchoesInOrder() throws Exception {
        BlockingQueue<Object> replies = new LinkedBlockingQueue<>();
        StreamObserver<EchoRequest> requests = TestServiceGrpc.newStub(grpc.channel())
                .withDeadlineAfter(120, TimeUnit.SECONDS).chat(new StreamObserver<>() {
                    @Override
                    public void onNext(EchoReply value) {
                        replies.add(value.getText());
                    }

                    @Override
                    public void onError(Throwable t) {
                        replies.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        replies.add("(end)");
                    }
                });
        for (int i = 0; i < 300; i++) {
            requests.onNext(EchoRequest.newBuilder().setText("message " + i).build());
            assertEquals("message " + i, replies.poll(60, TimeUnit.SECONDS));
        }
        requests.onCompleted();
        assertEquals("(end)", replies.poll(60, TimeUnit.SECONDS));
    }

    @Test
    void aPassedDeadlineIsDeadlineExceededAndCancelsTheServicesContext() {
        String tag = "deadline-" + System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> TestServiceGrpc
                .newBlockingStub(grpc.channel()).withDeadlineAfter(1, TimeUnit.SECONDS)
                .hang(WaitRequest.newBuilder().setTag(tag).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e::toString);
        WaitReport report = outcome(tag, "cancelled");
        assertTrue(report.getHadDeadline(), "the service's Context carried the deadline");
        // Whichever comes first: the server's own deadline (grpc-java's TimeoutException)
        // or the client's RST_STREAM when its deadline passed (CANCELLED), as on any grpc-java server.
        assertTrue(report.getCause().contains("TimeoutException") || report.getCause().contains("CANCELLED"),
                report::getCause);
    }

    @Test
    void aClientsCancellationReachesTheService() {
        String tag = "cancel-" + System.nanoTime();
        ClientCall<WaitRequest, EchoReply> call = grpc.channel().newCall(TestServiceGrpc.getHangMethod(),
                CallOptions.DEFAULT);
        CompletableFuture<EchoReply> reply = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(call, WaitRequest.newBuilder().setTag(tag).build(), new StreamObserver<>() {
            @Override
            public void onNext(EchoReply value) {
                reply.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                reply.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        WaitReport running = outcome(tag, "running");
        assertFalse(running.getHadDeadline());
        call.cancel("the test cancels", null);
        WaitReport cancelled = outcome(tag, "cancelled");
        assertTrue(cancelled.getCause().contains("CANCELLED"), cancelled::getCause);
        ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(30, TimeUnit.SECONDS));
        assertEquals(Status.Code.CANCELLED, Status.fromThrowable(e.getCause()).getCode());
    }

    @Test
    void theServiceRunsOnTheConnectorsThreadsInTheApplicationsContext() {
        EnvironmentReport environment = blocking(grpc.channel()).environment(EchoRequest.getDefaultInstance());
        assertTrue(environment.getThreadName().startsWith(GlassFishServer.LISTENER + "-app-"),
                "on the connector's application threads: " + environment.getThreadName());
        assertTrue(environment.getApplicationClassLoader(), "the thread's context class loader is the application's");
        assertEquals(APP, environment.getModuleName(), "java:module/ModuleName looked up in the call");
        assertEquals("hello from WaitLog", environment.getInjected());
    }

    @Test
    void healthReportsTheServiceByName() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("grpcconnector.testing.v1.TestService").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.getStatus());
    }

    @Test
    void typedAndHttpBodyCallsShareOneConnection() throws Exception {
        TestServiceGrpc.TestServiceFutureStub typed = TestServiceGrpc.newFutureStub(grpc.channel())
                .withDeadlineAfter(120, TimeUnit.SECONDS);
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String text = "call " + i;
            if (i % 2 == 0) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return typed.echo(EchoRequest.newBuilder().setText(text).build()).get(120, TimeUnit.SECONDS).getText();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, POOL));
            } else {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    HttpBodyClient.Response r = grpc.handle(Request.of("POST", "/app/echo").body("text/plain", text));
                    return r.ok() && r.httpCode() == 200 ? text : "failed: " + r;
                }, POOL));
            }
        }
        Map<String, Integer> failures = new TreeMap<>();
        for (int i = 0; i < calls.size(); i++) {
            try {
                String got = calls.get(i).get(180, TimeUnit.SECONDS);
                if (!got.equals("call " + i)) {
                    failures.merge(got.length() > 80 ? got.substring(0, 80) : got, 1, Integer::sum);
                }
            } catch (ExecutionException e) {
                failures.merge(String.valueOf(e.getCause()), 1, Integer::sum);
            }
        }
        assertEquals(Map.of(), failures, "1,000 calls, typed and HttpBody alternating on one connection");
    }

    /** Polls HangOutcome until the call with {@code tag} is in {@code state} (at most 60 s). */
    private static WaitReport outcome(String tag, String state) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        WaitReport report;
        do {
            report = blocking(grpc.channel()).hangOutcome(WaitRequest.newBuilder().setTag(tag).build());
            if (report.getState().equals(state)) {
                return report;
            }
            GlassFishServer.sleep(50);
        } while (System.nanoTime() < end);
        assertEquals(state, report.getState(), "the Hang call " + tag + " never reached that state: " + report);
        return report;
    }
}
