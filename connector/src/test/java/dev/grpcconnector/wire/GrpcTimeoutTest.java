package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrpcTimeoutTest {
    @Test
    void everyUnit() throws Exception {
        assertEquals(TimeUnit.HOURS.toNanos(2), GrpcTimeout.parseNanos("2H"));
        assertEquals(TimeUnit.MINUTES.toNanos(3), GrpcTimeout.parseNanos("3M"));
        assertEquals(TimeUnit.SECONDS.toNanos(15), GrpcTimeout.parseNanos("15S"));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1500), GrpcTimeout.parseNanos("1500m"));
        assertEquals(TimeUnit.MICROSECONDS.toNanos(99999999), GrpcTimeout.parseNanos("99999999u"));
        assertEquals(7, GrpcTimeout.parseNanos("7n"));
    }

    @Test
    void largestValueDoesNotOverflow() throws Exception {
        assertEquals(TimeUnit.HOURS.toNanos(99999999), GrpcTimeout.parseNanos("99999999H"));
    }

    @Test
    void whatGrpcJavaSendsParses() throws Exception {
        // grpc-java writes the deadline's remaining time with the finest unit that fits 8 digits.
        assertEquals(999_999_000L, GrpcTimeout.parseNanos("999999u"));
    }

    @Test
    void otherFormsAreInvalidArgument() {
        for (String bad : new String[] {"", "S", "123456789S", "1s", "1.5S", "-1S", "1 S", "10"}) {
            assertEquals(GrpcStatus.INVALID_ARGUMENT,
                    assertThrows(GrpcStatusException.class, () -> GrpcTimeout.parseNanos(bad), bad).status(), bad);
        }
    }
}
