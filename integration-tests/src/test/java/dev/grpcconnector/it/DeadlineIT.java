package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.api.HttpBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code grpc-timeout}: when the application is slower than the deadline, the connector
 * itself ends the call (the raw client here has no deadline of its own, so what it gets
 * comes from the server): DEADLINE_EXCEEDED as a trailers-only response while no response
 * header has gone out, RST_STREAM(CANCEL) after. The application's late output never
 * reaches the client, and the connection goes on serving.
 *
 * <p>That the application's own writes fail after the deadline, and its thread is freed, is
 * {@link CancellationIT}'s subject.
 */
class DeadlineIT extends ConnectorTestBase {
    private static final String STREAM = "grpcconnector.v1.HttpService/Stream";

    private static RawH2Client.StreamResult callWithTimeout(RawH2Client h2, String method, String path, String timeout) {
        List<String[]> headers = new ArrayList<>(h2.grpcHeaders(method));
        headers.add(new String[] {"x-envoy-original-method", "GET"});
        headers.add(new String[] {"x-envoy-original-path", path});
        headers.add(new String[] {"grpc-timeout", timeout});
        int id = h2.newStreamId();
        h2.headers(id, headers, false);
        h2.data(id, RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), true);
        return h2.await(id, Duration.ofSeconds(60));
    }

    @Test
    void slowUnaryHandlerGetsDeadlineExceededTrailersOnly() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            RawH2Client.StreamResult r = callWithTimeout(h2, BadInputIT.HANDLE, "/app/deadline-probe?ms=3000", "500m");
            assertNull(r.connectionError, r::toString);
            assertEquals("4", r.grpcStatus(), () -> "DEADLINE_EXCEEDED expected: " + r);
            assertEquals(0, r.bytes().length, () -> "no response data may follow: " + r);
            BadInputIT.assertNormalCallWorks(h2);
        }
    }

    @Test
    void slowStreamingHandlerAfterItsHeadersIsReset() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            RawH2Client.StreamResult r = callWithTimeout(h2, STREAM, "/app/deadline-probe?ms=3000&flushFirst=1", "500m");
            assertNull(r.connectionError, r::toString);
            assertEquals("200", r.header("x-http-code"), r::toString);
            assertEquals(8, r.rstCode, () -> "RST_STREAM(CANCEL) expected: " + r);
            BadInputIT.assertNormalCallWorks(h2);
        }
    }

    @Test
    void handlerWithinTheDeadlineIsUntouched() throws Exception {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            RawH2Client.StreamResult r = callWithTimeout(h2, BadInputIT.HANDLE, "/app/deadline-probe?ms=0", "30S");
            assertEquals("0", r.grpcStatus(), r::toString);
            byte[] grpcBody = r.bytes();
            assertEquals(64 * 16384, HttpBody.parseFrom(Arrays.copyOfRange(grpcBody, 5, grpcBody.length)).getData().size());
        }
    }
}
