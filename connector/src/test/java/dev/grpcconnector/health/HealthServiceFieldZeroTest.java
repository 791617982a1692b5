package dev.grpcconnector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.grpcconnector.wire.GrpcFrame;
import dev.grpcconnector.wire.GrpcStatus;
import dev.grpcconnector.wire.GrpcStatusException;
import io.grpc.health.v1.HealthCheckRequest;
import org.junit.jupiter.api.Test;

class HealthServiceFieldZeroTest {
    @Test
    void fieldNumberZeroIsInvalidArgument() {
        for (byte[] bytes : new byte[][] {{0x02, 0x04, 'n', 'o', 'p', 'e'}, {0x00, 0x01}, {0x05, 1, 2, 3, 4}}) {
            assertThrows(InvalidProtocolBufferException.class, () -> HealthCheckRequest.parseFrom(bytes));
            GrpcStatusException e = assertThrows(GrpcStatusException.class,
                    () -> new HealthService(true).check(new GrpcFrame(false, bytes, 0, bytes.length)));
            assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
        }
    }
}
