package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import dev.grpcconnector.it.RawH2Client.StreamResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Header hygiene on the real GlassFish (issue 16, item 2): what HTTP/2 forbids in a request
 * (RFC 9113 §8.2) never reaches the application — a call carrying it gets
 * {@code INVALID_ARGUMENT}, or Grizzly resets the stream first — and the connection
 * serves the next call; an {@code X-Forwarded-For} entry that is not an IP address never
 * becomes {@code getRemoteAddr()}.
 */
class HeaderHygieneIT extends ConnectorTestBase {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
        "transfer-encoding|chunked",
        "connection|keep-alive",
        "upgrade|websocket",
        "x bad|1",
        "x:bad|1",
        "x-app| leading space",
        "x-app|trailing space ",
        "x-app|\ttab"})
    void aForbiddenHeaderNeverReachesTheApplication(String name, String value) {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            List<String[]> headers = HeaderPoisoningIT.envoyHeaders(h2, "/app/echo");
            headers.add(new String[] {name, value.replace("\\t", "\t")});
            StreamResult r = call(h2, headers);
            boolean refusedByConnector = "3".equals(r.grpcStatus());
            boolean resetByGrizzly = r.rstCode != null && r.rstCode == 1;
            assertTrue(refusedByConnector || resetByGrizzly, () -> "reached the application? " + r);
            assertNull(r.connectionError, r::toString);
            StreamResult next = call(h2, HeaderPoisoningIT.envoyHeaders(h2, "/app/echo"));
            assertEquals("200", next.header("x-http-code"), () -> "the next call: " + next);
        }
    }

    @Test
    void connectAsTheOriginalMethodIsRefused() {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            List<String[]> headers = h2.grpcHeaders("grpcconnector.v1.HttpService/Stream");
            headers.add(new String[] {"x-envoy-original-method", "CONNECT"});
            headers.add(new String[] {"x-envoy-original-path", "/app/echo"});
            StreamResult r = call(h2, headers);
            assertEquals("3", r.grpcStatus(), r::toString);
            assertTrue(r.grpcMessage().contains("CONNECT"), r::toString);
        }
    }

    @Test
    void aForwardedForEntryThatIsNotAnAddressLeavesThePeerAddress() throws Exception {
        try (RawH2Client h2 = RawH2Client.connect(server.grpcPort())) {
            List<String[]> headers = HeaderPoisoningIT.envoyHeaders(h2, "/app/echo");
            headers.add(new String[] {"x-forwarded-for", "203.0.113.9, <script>alert(1)</script>"});
            StreamResult r = call(h2, headers);
            assertEquals("200", r.header("x-http-code"), r::toString);
            Map<String, Object> echo = MiniJson.object(LargeHeaderListsIT.body(r));
            assertEquals("127.0.0.1", echo.get("remoteAddr"), "the TCP peer, not the client's string");

            List<String[]> good = HeaderPoisoningIT.envoyHeaders(h2, "/app/echo");
            good.add(new String[] {"x-forwarded-for", "<script>, 2001:db8::9"});
            assertEquals("2001:db8::9", MiniJson.object(LargeHeaderListsIT.body(call(h2, good))).get("remoteAddr"));
        }
    }

    private static StreamResult call(RawH2Client h2, List<String[]> headers) {
        int stream = h2.newStreamId();
        h2.queueHeaders(stream, headers, false);
        h2.queueData(stream, RawH2Client.grpcFrame(false, HttpBody.getDefaultInstance().toByteArray()), true);
        h2.send();
        return h2.take(stream, Duration.ofSeconds(60));
    }
}
