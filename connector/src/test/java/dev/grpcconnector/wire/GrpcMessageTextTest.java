package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.InternalStatus;
import io.grpc.Metadata;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link GrpcMessageText#percentEncode}, decoded by grpc-java's own {@code grpc-message} marshaller. */
class GrpcMessageTextTest {
    private static final Metadata.Key<String> RAW = Metadata.Key.of("grpc-message", Metadata.ASCII_STRING_MARSHALLER);

    /** What a grpc-java client shows as the status description for this header value. */
    private static String grpcJavaDecode(String headerValue) {
        Metadata metadata = new Metadata();
        metadata.put(RAW, headerValue);
        return metadata.get(InternalStatus.MESSAGE_KEY);
    }

    private static void assertRoundTrip(String message) {
        String encoded = GrpcMessageText.percentEncode(message);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            assertTrue(c >= 0x20 && c <= 0x7e, "only printable ASCII may go on the wire: " + (int) c);
        }
        assertEquals(message, grpcJavaDecode(encoded));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ASCII message", "100% sure", "%", "%%", "%2", "%25", "%zz", "line one\nline two",
        "tab\there", "cr\r\nlf", "nul\0byte", "Grüße", "日本語のエラー", "emoji 🙂 and ☃", "trailing space ", " leading",
        "~tilde~", "del\u007f", "\u0080\u00ff", "quote\"back\\slash", "a:b;c=d,e"})
    void roundTripsThroughGrpcJava(String message) {
        assertRoundTrip(message);
    }

    @Test
    void everyAsciiCharacter() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            all.append(c);
        }
        assertRoundTrip(all.toString());
    }

    @Test
    void randomUnicodeMessages() {
        Random random = new Random(31);
        for (int i = 0; i < 500; i++) {
            assertRoundTrip(HttpBodyMessageDecodeTest.randomText(random, random.nextInt(60)));
        }
    }

    /** The exact form PROTOCOL-HTTP2 prescribes: only {@code %} and bytes outside 0x20-0x7E are encoded. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "abc|abc",
        "100%|100%25",
        "é|%C3%A9",
        "~ !|~ !",
        "🙂|%F0%9F%99%82"})
    void exactEncoding(String message, String expected) {
        assertEquals(expected, GrpcMessageText.percentEncode(message));
    }

    @Test
    void controlCharactersUseUppercaseHex() {
        assertEquals("a%0Ab%0Dc%00d%09e%7Ff%1F", GrpcMessageText.percentEncode("a\nb\rc\0d\te\u007ff\u001f"));
    }

    @Test
    void loneSurrogateIsSentAsTheReplacementUtf8Does() {
        // Java's UTF-8 encoder turns an unpaired surrogate into '?'; the header stays valid.
        assertEquals("a?b", GrpcMessageText.percentEncode("a\ud800b"));
    }
}
