package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.testservices.v1.EchoRequest;
import dev.grpcconnector.testservices.v1.TestServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What deployment does to typed services: undeploying the application removes its
 * services, a second application cannot take a service name another one serves, and
 * the name is free again once the first is gone.
 */
class TypedServiceDeploymentIT extends ConnectorTestBase {
    static final String SERVICE = "grpcconnector.testing.v1.TestService";

    @Test
    void undeployRemovesTheServicesAndADuplicateIsRefused() {
        TypedServicesIT.deployServices("typed-first");
        boolean firstDeployed = true;
        try {
            assertEquals("one", echo("one"));

            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> TypedServicesIT.deployServices("typed-second"));
            assertTrue(refused.getMessage().contains("gRPC service " + SERVICE + " is already served by typed-first"),
                    "asadmin deploy says why: " + refused.getMessage());
            assertEquals("still one", echo("still one"), "the first application keeps its service");

            server.asadminRemote(Duration.ofMinutes(3), "undeploy", "typed-first");
            firstDeployed = false;
            StatusRuntimeException gone = assertThrows(StatusRuntimeException.class, () -> echo("gone"));
            assertEquals(Status.Code.UNIMPLEMENTED, gone.getStatus().getCode(), gone::toString);
            StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> HealthGrpc
                    .newBlockingStub(grpc.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(SERVICE).build()));
            assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());

            TypedServicesIT.deployServices("typed-second");
            try {
                assertEquals("two", echo("two"), "the name is free once its first application is gone");
            } finally {
                server.asadminRemote(Duration.ofMinutes(3), "undeploy", "typed-second");
            }
        } finally {
            if (firstDeployed) {
                server.asadminRemote(Duration.ofMinutes(3), "undeploy", "typed-first");
            }
        }
    }

    private static String echo(String text) {
        return TestServiceGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                .echo(EchoRequest.newBuilder().setText(text).build()).getText();
    }
}
