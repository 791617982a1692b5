package dev.grpcconnector.services.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.services.api.CallSink;
import dev.grpcconnector.services.api.CallSource;
import dev.grpcconnector.services.api.DuplicateServiceException;
import dev.grpcconnector.services.api.Metadata;
import dev.grpcconnector.services.api.TypedServiceRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The application side of a typed call, without a server: the registry hands out the
 * handler, calls run on grpc-java's in-process server, and what the connector would write
 * arrives at the sink.
 */
class ApplicationServicesTest {
    static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static BoundService upperService(String name) {
        MethodDescriptor<String, String> upper = MethodDescriptor.<String, String>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(name + "/Upper")
                .setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build();
        ServerServiceDefinition definition = ServerServiceDefinition.builder(name)
                .addMethod(upper, ServerCalls.asyncUnaryCall((request, responses) -> {
                    if (request.isEmpty()) {
                        responses.onError(Status.INVALID_ARGUMENT.withDescription("empty").asRuntimeException());
                        return;
                    }
                    responses.onNext(request.toUpperCase());
                    responses.onCompleted();
                }))
                .addMethod(MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName(name + "/Never").setRequestMarshaller(TEXT).setResponseMarshaller(TEXT).build(),
                        ServerCalls.asyncUnaryCall((request, responses) -> { }))
                .build();
        return new BoundService(name, "test", definition);
    }

    /** Records what the connector would write. */
    static final class RecordingSink implements CallSink {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void headers(Metadata headers) {
            events.add("headers");
        }

        @Override
        public void message(byte[] message) {
            events.add("message " + new String(message, StandardCharsets.UTF_8));
        }

        @Override
        public void close(int statusCode, String description, Metadata trailers) {
            events.add("close " + statusCode + " " + description);
        }

        @Override
        public void onReady() {
        }

        String next() throws InterruptedException {
            String event = events.poll(30, TimeUnit.SECONDS);
            return event == null ? "(nothing)" : event;
        }
    }

    @Test
    void aCallRunsOnGrpcJavasServerAndItsResponseReachesTheSink() throws Exception {
        try (ApplicationServices services = ApplicationServices.start("test-app", List.of(upperService("t.Upper")),
                Runnable::run)) {
            RecordingSink sink = new RecordingSink();
            CallSource call = TypedServiceRegistry.handler("t.Upper").start("t.Upper/Upper", Metadata.EMPTY, -1, sink);
            call.request(1);
            call.message("hello".getBytes(StandardCharsets.UTF_8));
            call.halfClose();
            assertEquals("headers", sink.next());
            assertEquals("message HELLO", sink.next());
            assertEquals("close 0 null", sink.next());
        }
        assertNull(TypedServiceRegistry.handler("t.Upper"), "closing removes the services");
    }

    @Test
    void theServicesStatusAndGrpcJavasOwnStatusesReachTheSink() throws Exception {
        try (ApplicationServices services = ApplicationServices.start("test-app", List.of(upperService("t.Status")),
                Runnable::run)) {
            RecordingSink invalid = new RecordingSink();
            CallSource call = TypedServiceRegistry.handler("t.Status").start("t.Status/Upper", Metadata.EMPTY, -1, invalid);
            call.request(1);
            call.message(new byte[0]);
            call.halfClose();
            assertEquals("close 3 empty", invalid.next());

            RecordingSink unknown = new RecordingSink();
            CallSource nope = TypedServiceRegistry.handler("t.Status").start("t.Status/Nope", Metadata.EMPTY, -1, unknown);
            nope.request(1);
            nope.halfClose();
            String close = unknown.next();
            assertTrue(close.startsWith("close 12 "), close);

            RecordingSink late = new RecordingSink();
            CallSource never = TypedServiceRegistry.handler("t.Status").start("t.Status/Never", Metadata.EMPTY,
                    TimeUnit.MILLISECONDS.toNanos(200), late);
            never.request(1);
            never.message("x".getBytes(StandardCharsets.UTF_8));
            never.halfClose();
            String expired = late.next();
            assertTrue(expired.startsWith("close 4 "), "the deadline is grpc-java's: " + expired);
        }
    }

    @Test
    void aServiceNameTakenByAnotherApplicationIsRefusedAndNothingKeepsRunning() {
        try (ApplicationServices first = ApplicationServices.start("app-one", List.of(upperService("t.Taken")),
                Runnable::run)) {
            DuplicateServiceException e = assertThrows(DuplicateServiceException.class,
                    () -> ApplicationServices.start("app-two", List.of(upperService("t.Taken")), Runnable::run));
            assertTrue(e.getMessage().contains("already served by app-one"), e.getMessage());
        }
    }
}
