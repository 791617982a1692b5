package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** 8 MiB each way in one HttpBody message (the listener's limit is 16 MiB). */
class LargeBodiesIT extends ConnectorTestBase {

    static final int EIGHT_MIB = 8 * 1024 * 1024;

    @Test
    void upload8MiB() {
        byte[] body = new byte[EIGHT_MIB];
        new Random(42).nextBytes(body);
        Map<String, Object> json = callExpecting(200, Request.of("POST", "/app/upload")
                .body("application/octet-stream", body)).json();
        assertEquals((long) EIGHT_MIB, json.get("length"));
        assertEquals(sha256(body), json.get("sha256"));
    }

    @Test
    void download8MiB() {
        Response r = callExpecting(200, Request.get("/app/bytes?size=" + EIGHT_MIB));
        assertEquals("application/octet-stream", r.contentType());
        assertPattern(r.data(), EIGHT_MIB, "/app/bytes through the connector");
    }

    @Test
    void downloadSizesAroundFrameAndWindowBoundaries() {
        for (int size : new int[] {0, 1, 16383, 16384, 16385, 65535, 65536, 65537, 1 << 20}) {
            Response r = callExpecting(200, Request.get("/app/bytes?size=" + size));
            assertPattern(r.data(), size, "/app/bytes?size=" + size);
        }
    }
}
