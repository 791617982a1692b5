package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import org.junit.jupiter.api.Test;

/**
 * The connector is installed on the gRPC listener only: the same gRPC call sent to
 * GlassFish's ordinary HTTP listener (which speaks h2c too) is not translated. GlassFish
 * sees a POST to /grpcconnector.v1.HttpService/Handle, which no application serves, and
 * answers a plain HTTP 404 that grpc-java reports as an error: no x-http-code, no HttpBody.
 */
class OtherListenersIT extends ConnectorTestBase {

    @Test
    void grpcCallToTheHttpListenerIsNotTranslated() {
        try (HttpBodyClient plain = HttpBodyClient.connect(server.httpPort())) {
            Response r = plain.handle(Request.get("/app/echo"));
            assertNotEquals(io.grpc.Status.Code.OK, r.status().getCode(), r::toString);
            assertTrue(r.headers() == null || r.headers().get(HttpBodyClient.X_HTTP_CODE) == null, r::toString);
        }
        Response translated = grpc.handle(Request.get("/app/echo"));
        assertEquals(200, translated.httpCode(), translated::toString);
    }
}
