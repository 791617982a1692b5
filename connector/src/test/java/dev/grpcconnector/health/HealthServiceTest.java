package dev.grpcconnector.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.grpcconnector.wire.GrpcFrame;
import dev.grpcconnector.wire.GrpcJavaReference;
import dev.grpcconnector.wire.GrpcStatus;
import dev.grpcconnector.wire.GrpcStatusException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HealthService} against grpc-java's generated {@code grpc.health.v1} messages. */
class HealthServiceTest {
    private static final String HTTP_SERVICE = "grpcconnector.v1.HttpService";

    /** The message inside a larger array, so the service must honour the frame's offset. */
    private static GrpcFrame frameOf(byte[] message) {
        byte[] buffer = new byte[message.length + 9];
        Arrays.fill(buffer, (byte) 0x0a);
        System.arraycopy(message, 0, buffer, 4, message.length);
        return new GrpcFrame(false, buffer, 4, message.length);
    }

    private static GrpcFrame request(String service) {
        return frameOf(HealthCheckRequest.newBuilder().setService(service).build().toByteArray());
    }

    /** The response frame, read back by grpc-java's deframer and protobuf-java. */
    private static ServingStatus answer(HealthService health, GrpcFrame request) throws Throwable {
        byte[] frame = health.check(request);
        List<byte[]> messages = GrpcJavaReference.deframe(frame, 1024, false);
        assertEquals(1, messages.size());
        HealthCheckResponse response = HealthCheckResponse.parseFrom(messages.get(0));
        // Byte for byte what a grpc-java server sends.
        assertArrayEquals(GrpcJavaReference.frame(List.of(response.toByteArray()), false), frame);
        return response.getStatus();
    }

    private static GrpcStatusException assertFails(HealthService health, GrpcFrame request, GrpcStatus status) {
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> health.check(request));
        assertEquals(status, e.status());
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", HTTP_SERVICE})
    void knownServicesFollowSetServing(String service) throws Throwable {
        HealthService health = new HealthService(false);
        assertFalse(health.isServing());
        assertEquals(ServingStatus.NOT_SERVING, answer(health, request(service)));
        health.setServing(true);
        assertTrue(health.isServing());
        assertEquals(ServingStatus.SERVING, answer(health, request(service)));
        health.setServing(false);
        assertEquals(ServingStatus.NOT_SERVING, answer(health, request(service)));
        assertEquals(ServingStatus.SERVING, answer(new HealthService(true), request(service)));
    }

    @Test
    void emptyRequestMessageMeansTheWholeServer() throws Throwable {
        assertEquals(0, HealthCheckRequest.getDefaultInstance().toByteArray().length);
        assertEquals(ServingStatus.SERVING, answer(new HealthService(true), new GrpcFrame(false, new byte[0], 0, 0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "grpcconnector.v1.HttpServic", "grpcconnector.v1.HttpService ", "GRPCCONNECTOR.V1.HTTPSERVICE",
        "grpc.health.v1.Health", " ", "grpcconnector.v1.HttpService/Handle", "ünïcödé"})
    void unknownServiceIsNotFound(String service) {
        for (boolean serving : new boolean[] {true, false}) {
            GrpcStatusException e = assertFails(new HealthService(serving), request(service), GrpcStatus.NOT_FOUND);
            assertTrue(e.getMessage().contains(service), e.getMessage());
        }
    }

    @Test
    void garbageIsInvalidArgument() {
        HealthService health = new HealthService(true);
        for (byte[] garbage : new byte[][] {
            {(byte) 0xff, (byte) 0xff},
            {0x0a, 0x05, 'a'},
            {0x0a, 0x02, (byte) 0xc3, 0x28},
            {0x0a},
            {0x0f, 0x00},
            {0x0d, 1, 2},
        }) {
            assertFails(health, frameOf(garbage), GrpcStatus.INVALID_ARGUMENT);
        }
    }

    @Test
    void unknownFieldsAreSkippedAsProtobufDoes() throws Throwable {
        HealthCheckRequest request = HealthCheckRequest.newBuilder().setService(HTTP_SERVICE)
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(2, UnknownFieldSet.Field.newBuilder().addVarint(Long.MIN_VALUE).build())
                        .addField(3, UnknownFieldSet.Field.newBuilder().addFixed32(7).build())
                        .addField(4, UnknownFieldSet.Field.newBuilder().addFixed64(8).build())
                        .addField(100, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build())
                        .build())
                .build();
        byte[] encoded = request.toByteArray();
        assertEquals(HTTP_SERVICE, HealthCheckRequest.parseFrom(encoded).getService());
        assertEquals(ServingStatus.SERVING, answer(new HealthService(true), frameOf(encoded)));
    }

    @Test
    void lastServiceFieldWinsAsInProtobuf() throws Throwable {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, "nope");
        out.writeString(1, HTTP_SERVICE);
        out.flush();
        assertEquals(HTTP_SERVICE, HealthCheckRequest.parseFrom(bytes.toByteArray()).getService());
        assertEquals(ServingStatus.SERVING, answer(new HealthService(true), frameOf(bytes.toByteArray())));

        bytes.reset();
        out.writeString(1, HTTP_SERVICE);
        out.writeString(1, "nope");
        out.flush();
        assertFails(new HealthService(true), frameOf(bytes.toByteArray()), GrpcStatus.NOT_FOUND);
    }

    @Test
    void serviceFieldWithWrongWireTypeIsAnUnknownFieldAsInProtobuf() throws Throwable {
        // Field 1 as a varint: protobuf-java keeps it as an unknown field and service stays "".
        byte[] encoded = {0x08, 0x05};
        assertEquals("", HealthCheckRequest.parseFrom(encoded).getService());
        assertEquals(ServingStatus.SERVING, answer(new HealthService(true), frameOf(encoded)));
    }

    /** Mutated requests: whatever the service accepts, protobuf-java reads as the same service name. */
    @Test
    void fuzzAgreesWithProtobuf() throws IOException {
        Random random = new Random(17);
        HealthService health = new HealthService(true);
        String[] services = {"", HTTP_SERVICE, "nope", "x"};
        for (int i = 0; i < 5000; i++) {
            byte[] bytes = HealthCheckRequest.newBuilder().setService(services[random.nextInt(services.length)]).build()
                    .toByteArray();
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(3) == 0) {
                bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 2));
            }
            try {
                health.check(frameOf(bytes));
                // Nothing may be accepted that protobuf-java refuses: parseFrom throws then.
                String service = HealthCheckRequest.parseFrom(bytes).getService();
                assertTrue(service.isEmpty() || service.equals(HTTP_SERVICE), service);
            } catch (GrpcStatusException e) {
                if (e.status() == GrpcStatus.NOT_FOUND) {
                    String service = HealthCheckRequest.parseFrom(bytes).getService();
                    assertFalse(service.isEmpty() || service.equals(HTTP_SERVICE), service);
                } else {
                    assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
                }
            }
        }
    }

    @Test
    void paths() {
        assertEquals("/grpc.health.v1.Health/Check", HealthService.CHECK_PATH);
        assertTrue(HealthService.CHECK_PATH.startsWith(HealthService.SERVICE_PREFIX));
        assertEquals("grpc.health.v1.Health", io.grpc.health.v1.HealthGrpc.SERVICE_NAME);
        assertEquals(io.grpc.health.v1.HealthGrpc.getCheckMethod().getFullMethodName(), HealthService.CHECK_PATH.substring(1));
    }
}
