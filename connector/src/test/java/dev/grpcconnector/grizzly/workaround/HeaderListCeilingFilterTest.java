package dev.grpcconnector.grizzly.workaround;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Protocol;
import org.junit.jupiter.api.Test;

/** {@link HeaderListCeilingFilter#headerListSize}: the header list size as RFC 9113 §6.5.2 counts it. */
class HeaderListCeilingFilterTest {

    @Test
    void countsNamesValuesAnd32BytesPerFieldPseudoHeadersIncluded() {
        HttpRequestPacket request = HttpRequestPacket.builder().method("GET").uri("/a").query("b=1")
                .protocol(Protocol.HTTP_2_0).header("host", "ex.com").header("cookie", "x=12345").build();
        long expected = (":method".length() + 3 + 32) + (":scheme".length() + 4 + 32) + (":path".length() + "/a?b=1".length() + 32)
                + ("host".length() + 6 + 32) + ("cookie".length() + 7 + 32);
        assertEquals(expected, HeaderListCeilingFilter.headerListSize(request));
    }

    @Test
    void aLargeCookieCountsByItsLength() {
        String cookie = "c=" + "a".repeat(60 * 1024);
        HttpRequestPacket request = HttpRequestPacket.builder().method("POST").uri("/grpcconnector.v1.HttpService/Stream")
                .protocol(Protocol.HTTP_2_0).header("cookie", cookie).build();
        long pseudo = (":method".length() + 4 + 32) + (":scheme".length() + 4 + 32)
                + (":path".length() + "/grpcconnector.v1.HttpService/Stream".length() + 32);
        assertEquals(pseudo + "cookie".length() + cookie.length() + 32, HeaderListCeilingFilter.headerListSize(request));
    }
}
