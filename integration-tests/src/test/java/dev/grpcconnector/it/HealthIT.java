package dev.grpcconnector.it;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** grpc.health.v1.Health/Check as Envoy's health checker calls it (contract §7). */
class HealthIT extends ConnectorTestBase {

    HealthGrpc.HealthBlockingStub health() {
        return HealthGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    void serverAsAWholeIsServing() {
        HealthCheckResponse r = health().check(HealthCheckRequest.newBuilder().setService("").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
    }

    @Test
    void httpServiceIsServing() {
        HealthCheckResponse r = health().check(HealthCheckRequest.newBuilder()
                .setService("grpcconnector.v1.HttpService").build());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, r.getStatus());
    }

    @Test
    void unknownServiceIsNotFound() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> health().check(HealthCheckRequest.newBuilder().setService("nope").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e::toString);
    }
}
