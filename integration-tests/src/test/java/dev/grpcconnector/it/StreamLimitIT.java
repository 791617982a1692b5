package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The listener's concurrent-stream limit on one connection (issue 10, item 3): the client
 * opens exactly as many streams as the server's SETTINGS_MAX_CONCURRENT_STREAMS allows
 * (gRPC {@code Stream} calls that stay open: no message yet), then one more. The extra one
 * is refused as a stream error, RST_STREAM(REFUSED_STREAM); the connection stays (no
 * GOAWAY, which is what Grizzly 5.0.0 alone does, grizzly#2304), and every one of the
 * others completes once its message is sent. A stream opened after some completed is
 * accepted again.
 */
class StreamLimitIT extends ConnectorTestBase {
    private static final int BATCH = 64;
    private static final int REFUSED_STREAM = 0x7;

    @Test
    void theStreamOverTheAdvertisedLimitIsRefusedAndTheOthersComplete() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            long limit = h2.serverSetting(3, Duration.ofSeconds(30));
            assertEquals(GlassFishServer.INSTALL_MAX_CONCURRENT_STREAMS, limit, "SETTINGS_MAX_CONCURRENT_STREAMS");

            List<Integer> open = new ArrayList<>();
            for (int i = 0; i < limit; i++) {
                int stream = h2.newStreamId();
                h2.queueHeaders(stream, HeaderPoisoningIT.envoyHeaders(h2, "/app/echo?stream=" + stream), false);
                open.add(stream);
                if (open.size() % BATCH == 0) {
                    h2.send();
                }
            }
            h2.send();
            int extra = h2.newStreamId();
            h2.headers(extra, HeaderPoisoningIT.envoyHeaders(h2, "/app/echo?stream=extra"), false);
            StreamResult refused = h2.take(extra, Duration.ofSeconds(120));
            assertEquals(Integer.valueOf(REFUSED_STREAM), refused.rstCode, () -> "the stream over the limit: " + refused);
            assertNull(h2.goaway(), "no GOAWAY");

            for (int i = 0; i < open.size(); i++) {
                h2.queueData(open.get(i), RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), true);
                if ((i + 1) % BATCH == 0) {
                    h2.send();
                }
            }
            h2.send();
            int completed = 0;
            for (int stream : open) {
                StreamResult r = h2.take(stream, Duration.ofSeconds(120));
                assertEquals("0", r.grpcStatus(), () -> "stream " + stream + ": " + r);
                assertEquals("200", r.header("x-http-code"), () -> "stream " + stream + ": " + r);
                assertTrue(new String(r.bytes(), StandardCharsets.UTF_8).contains("stream=" + stream), () -> "stream "
                        + stream + " got another's answer: " + r);
                completed++;
            }
            assertEquals(limit, completed);
            assertNull(h2.goaway(), "no GOAWAY");

            int after = h2.newStreamId();
            h2.queueHeaders(after, HeaderPoisoningIT.envoyHeaders(h2, "/app/echo?stream=after"), false);
            h2.queueData(after, RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), true);
            h2.send();
            assertEquals("0", h2.take(after, Duration.ofSeconds(60)).grpcStatus(), "a stream opened after the others completed");
            GlassFishServer.log("stream limit: " + limit + " streams open on one connection, the next refused with "
                    + "REFUSED_STREAM, all " + completed + " completed");
        }
    }
}
