package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import io.grpc.Status.Code;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15, item 2: a unary ({@code Handle}) response is collected whole, so it has a cap
 * ({@code grpc-connector-max-unary-response-bytes}, 16 MiB by default). A response of
 * exactly the cap arrives; one that goes beyond it makes the application's write fail
 * with an {@code IOException} (the probe servlet writes until a write fails, and records
 * it), the client gets {@code RESOURCE_EXHAUSTED} naming the limit, and the channel goes on.
 */
class UnaryResponseLimitIT extends ConnectorTestBase {
    static final int LIMIT = 16 * 1024 * 1024;

    @Test
    void aResponseOfExactlyTheLimitArrives() {
        Response r = callExpecting(200, Request.get("/app/bytes?size=" + LIMIT).deadlineSeconds(120));
        assertEquals(LIMIT, r.data().length);
    }

    @Test
    void aResponseOverTheLimitFailsTheApplicationsWriteAndTheClientGetsResourceExhausted() throws Exception {
        String id = UUID.randomUUID().toString();
        Response r = grpc.handle(Request.get("/app/cancel-probe?id=" + id).deadlineSeconds(120));
        assertTrailersOnlyError(r, Code.RESOURCE_EXHAUSTED);
        assertTrue(r.status().getDescription().contains(LIMIT + " bytes")
                && r.status().getDescription().contains("grpc-connector-max-unary-response-bytes"), r.status()::toString);

        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String log = probeLog(id);
        while (!log.contains("returned") && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            log = probeLog(id);
        }
        String seen = log;
        assertTrue(seen.startsWith("writing\nwrite failed: java.io.IOException: ") && seen.endsWith("returned\n"),
                () -> "the application's write must fail and its thread leave the servlet:\n" + seen);
        BadInputIT.channelStillWorks();
    }

    private static String probeLog(String id) {
        return callExpecting(200, Request.get("/app/cancel-state?id=" + id)).text();
    }
}
