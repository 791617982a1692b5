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

    @Test
    void anEntryThatIsNotAnIpAddressNeverBecomesTheClientAddress() {
        for (String forged : List.of("<script>alert(1)</script>", "unknown", "localhost", "example.com", "1.2.3",
                "256.1.1.1", "1.2.3.4:80", "[::1]", "::1%eth0", "1::2::3", "12345::1", "1.2.3.4.5", "_hidden")) {
            assertNull(ClientAddress.fromForwardedFor(List.of("203.0.113.7, " + forged), 1), forged);
        }
        assertEquals("2001:db8::7", ClientAddress.fromForwardedFor(List.of("2001:db8::7"), 1));
        assertEquals("::ffff:192.0.2.1", ClientAddress.fromForwardedFor(List.of("10.0.0.1, ::ffff:192.0.2.1"), 1));
    }

    /**
     * The JDK's parser as reference, for strings it treats as literals (IPv6, four dotted
     * decimals): what the connector takes is what the JDK takes, except groups of more than
     * four hex digits, which the JDK lets through and RFC 4291 §2.2 does not.
     */
    @Test
    void agreesWithTheJdksParserOnLiterals() throws Exception {
        java.util.SplittableRandom random = new java.util.SplittableRandom(4291);
        String alphabet = "0123456789abcdefABCDEF:.";
        int checked = 0;
        for (int i = 0; i < 200_000; i++) {
            StringBuilder b = new StringBuilder();
            int length = 2 + random.nextInt(20);
            for (int j = 0; j < length; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String s = b.toString();
            boolean v6 = s.indexOf(':') >= 0;
            boolean v4 = !v6 && s.matches("[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
            if (!v6 && !v4) {
                continue; // the JDK would look it up by name
            }
            boolean jdk;
            try {
                java.net.InetAddress.getByName(s);
                jdk = true;
            } catch (java.net.UnknownHostException e) {
                jdk = false;
            }
            boolean longGroup = java.util.Arrays.stream(s.split("[:.]")).anyMatch(g -> g.length() > 4);
            assertEquals(jdk && !longGroup, ClientAddress.isIpLiteral(s), s);
            checked++;
        }
        org.junit.jupiter.api.Assertions.assertTrue(checked > 10_000, checked + " literals checked");
    }
}
