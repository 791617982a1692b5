package dev.grpcconnector.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.glassfish.grizzly.http.HttpRequestPacket;
import org.junit.jupiter.api.Test;

/** {@link RequestId}: the log text of a call's {@code x-request-id}, which is the peer's input. */
class RequestIdTest {

    private static HttpRequestPacket request(String requestId) {
        HttpRequestPacket.Builder builder = HttpRequestPacket.builder().method("POST").uri("/x").protocol("HTTP/2.0");
        if (requestId != null) {
            builder.header("x-request-id", requestId);
        }
        return builder.build();
    }

    @Test
    void envoysUuidIsShownAsItIs() {
        assertEquals(", x-request-id 5f1c2a3e-8d4b-4c1a-9e2f-0a1b2c3d4e5f",
                RequestId.suffix(request("5f1c2a3e-8d4b-4c1a-9e2f-0a1b2c3d4e5f")));
    }

    @Test
    void noHeaderGivesNoText() {
        assertEquals("", RequestId.suffix(request(null)));
        assertEquals("", RequestId.suffix(request("")));
        assertEquals("", RequestId.suffix(null));
    }

    @Test
    void controlSpaceAndNonAsciiCannotSplitOrForgeALine() {
        assertEquals(", x-request-id a?b?c??d", RequestId.suffix(request("a b\tc\u00e9\u2028d")));
    }

    @Test
    void aLongValueIsCut() {
        String shown = RequestId.suffix(request("r".repeat(500)));
        assertEquals(", x-request-id " + "r".repeat(RequestId.MAX_LENGTH) + "...", shown);
    }
}
