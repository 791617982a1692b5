package dev.grpcconnector.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ClientAddress#fromForwardedFor}: Envoy's {@code xff_num_trusted_hops} rule. */
class ClientAddressTest {
    private static final List<String> TWO = List.of("203.0.113.7, 198.51.100.2");

    @Test
    void noTrustedHopsIgnoresTheHeader() {
        assertNull(ClientAddress.fromForwardedFor(TWO, 0));
        assertNull(ClientAddress.fromForwardedFor(TWO, -1));
    }

    @Test
    void oneTrustedHopTakesTheLastEntry() {
        assertEquals("198.51.100.2", ClientAddress.fromForwardedFor(TWO, 1));
    }

    @Test
    void twoTrustedHopsTakeTheSecondFromTheRight() {
        assertEquals("203.0.113.7", ClientAddress.fromForwardedFor(TWO, 2));
    }

    @Test
    void fewerEntriesThanTrustedHopsKeepsThePeer() {
        assertNull(ClientAddress.fromForwardedFor(TWO, 3));
        assertNull(ClientAddress.fromForwardedFor(List.of(), 1));
        assertNull(ClientAddress.fromForwardedFor(List.of(""), 1));
        assertNull(ClientAddress.fromForwardedFor(List.of(" , ,, "), 1));
    }

    @Test
    void severalHeadersConcatenateInOrder() {
        List<String> headers = List.of("10.0.0.1, 10.0.0.2", "10.0.0.3", "10.0.0.4, 10.0.0.5");
        assertEquals("10.0.0.5", ClientAddress.fromForwardedFor(headers, 1));
        assertEquals("10.0.0.4", ClientAddress.fromForwardedFor(headers, 2));
        assertEquals("10.0.0.3", ClientAddress.fromForwardedFor(headers, 3));
        assertEquals("10.0.0.2", ClientAddress.fromForwardedFor(headers, 4));
        assertEquals("10.0.0.1", ClientAddress.fromForwardedFor(headers, 5));
        assertNull(ClientAddress.fromForwardedFor(headers, 6));
    }

    @Test
    void spacesAndEmptyEntriesAreIgnored() {
        List<String> headers = List.of("  203.0.113.7 ,,  ,198.51.100.2  ", "", " ,");
        assertEquals("198.51.100.2", ClientAddress.fromForwardedFor(headers, 1));
        assertEquals("203.0.113.7", ClientAddress.fromForwardedFor(headers, 2));
        assertNull(ClientAddress.fromForwardedFor(headers, 3));
        assertEquals("192.0.2.1", ClientAddress.fromForwardedFor(List.of("\t192.0.2.1\t"), 1));
    }

    @Test
    void ipv6() {
        List<String> headers = List.of("2001:db8::1, ::1", "2001:db8:85a3::8a2e:370:7334");
        assertEquals("2001:db8:85a3::8a2e:370:7334", ClientAddress.fromForwardedFor(headers, 1));
        assertEquals("::1", ClientAddress.fromForwardedFor(headers, 2));
        assertEquals("2001:db8::1", ClientAddress.fromForwardedFor(headers, 3));
    }

    @Test
    void spoofedEntriesLeftOfTheTrustedOnesAreNeverChosen() {
        // The client wrote "1.2.3.4" itself; Envoy appended the real peer.
        List<String> headers = List.of("1.2.3.4, 203.0.113.9");
        assertEquals("203.0.113.9", ClientAddress.fromForwardedFor(headers, 1));
    }
}
