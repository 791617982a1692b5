package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.api.HttpBody;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.StringValue;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.health.v1.HealthCheckRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HttpBodyMessage#decode} against protobuf-java's {@code HttpBody} as the reference. */
class HttpBodyMessageDecodeTest {

    /** Decodes {@code message} from inside a larger array, so offsets must be honoured. */
    static HttpBodyMessage decodeEmbedded(byte[] message) throws GrpcStatusException {
        byte[] buffer = new byte[message.length + 23];
        Arrays.fill(buffer, (byte) 0x5a);
        System.arraycopy(message, 0, buffer, 11, message.length);
        return HttpBodyMessage.decode(new GrpcFrame(false, buffer, 11, message.length));
    }

    static byte[] data(HttpBodyMessage message) {
        return Arrays.copyOfRange(message.data(), message.dataOffset(), message.dataOffset() + message.dataLength());
    }

    /** Decodes {@code encoded} and checks it against what protobuf-java parses from the same bytes. */
    static void assertDecodesLikeProtobuf(byte[] encoded) throws Exception {
        HttpBody reference = HttpBody.parseFrom(encoded);
        HttpBodyMessage decoded = decodeEmbedded(encoded);
        assertEquals(reference.getContentType(), decoded.contentType());
        assertArrayEquals(reference.getData().toByteArray(), data(decoded));
        assertEquals(reference.getData().size(), decoded.dataLength());
    }

    static void assertRoundTrip(HttpBody body) throws Exception {
        byte[] encoded = body.toByteArray();
        HttpBodyMessage decoded = decodeEmbedded(encoded);
        assertEquals(body.getContentType(), decoded.contentType());
        assertArrayEquals(body.getData().toByteArray(), data(decoded));
        assertDecodesLikeProtobuf(encoded);
    }

    static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A random string of valid code points (no lone surrogates), mixing 1- to 4-byte UTF-8. */
    static String randomText(Random random, int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int cp = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x80);
                case 1 -> 0x80 + random.nextInt(0x800 - 0x80);
                case 2 -> {
                    int c = 0x800 + random.nextInt(0x10000 - 0x800);
                    yield c >= 0xd800 && c <= 0xdfff ? 0xe000 : c;
                }
                default -> 0x10000 + random.nextInt(0x110000 - 0x10000);
            };
            text.appendCodePoint(cp);
        }
        return text.toString();
    }

    @Test
    void emptyMessage() throws Exception {
        HttpBody empty = HttpBody.getDefaultInstance();
        assertEquals(0, empty.toByteArray().length);
        HttpBodyMessage decoded = HttpBodyMessage.decode(new GrpcFrame(false, new byte[0], 0, 0));
        assertEquals("", decoded.contentType());
        assertEquals(0, decoded.dataLength());
        assertRoundTrip(empty);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json; charset=utf-8", "a", "multipart/form-data; boundary=----x",
        "text/plain; name=\"Grüße\"", "☃/💩", "应用/json", "x/\u0000\u007f", " "})
    void contentTypeOnly(String contentType) throws Exception {
        assertRoundTrip(HttpBody.newBuilder().setContentType(contentType).build());
    }

    @Test
    void contentTypeOfEveryLengthAroundTheVarintBoundary() throws Exception {
        for (int length : new int[] {126, 127, 128, 129, 16383, 16384, 16385}) {
            assertRoundTrip(HttpBody.newBuilder().setContentType("t".repeat(length)).build());
        }
    }

    @Test
    void dataOnly() throws Exception {
        assertRoundTrip(HttpBody.newBuilder().setData(ByteString.copyFromUtf8("{\"hello\":\"world\"}")).build());
    }

    @Test
    void contentTypeAndData() throws Exception {
        assertRoundTrip(HttpBody.newBuilder().setContentType("application/json")
                .setData(ByteString.copyFromUtf8("{\"a\":1}")).build());
    }

    @Test
    void dataWithEveryByteValue() throws Exception {
        byte[] every = new byte[256 * 3];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        assertRoundTrip(HttpBody.newBuilder().setContentType("application/octet-stream")
                .setData(ByteString.copyFrom(every)).build());
        assertRoundTrip(HttpBody.newBuilder().setData(ByteString.copyFrom(every)).build());
    }

    @Test
    void extensionsAreSkipped() throws Exception {
        HttpBody body = HttpBody.newBuilder()
                .setContentType("application/x-www-form-urlencoded")
                .setData(ByteString.copyFromUtf8("a=1&b=2"))
                .addExtensions(Any.pack(HealthCheckRequest.newBuilder().setService("query").build()))
                .addExtensions(Any.pack(StringValue.of("second extension")))
                .addExtensions(Any.getDefaultInstance())
                .build();
        assertRoundTrip(body);
        assertRoundTrip(body.toBuilder().clearData().build());
        assertRoundTrip(body.toBuilder().clearContentType().build());
        assertRoundTrip(body.toBuilder().clearContentType().clearData().build());
    }

    @Test
    void extensionsBeforeTheOtherFields() throws Exception {
        byte[] extension = Any.pack(StringValue.of("x")).toByteArray();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(3, extension);
        out.writeByteArray(2, "payload".getBytes());
        out.writeByteArray(3, extension);
        out.writeString(1, "text/plain");
        out.writeByteArray(3, extension);
        out.flush();
        assertDecodesLikeProtobuf(bytes.toByteArray());
        assertEquals("text/plain", decodeEmbedded(bytes.toByteArray()).contentType());
    }

    @Test
    void repeatedScalarFieldsLastOneWinsLikeProtobuf() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, "first/type");
        out.writeByteArray(2, "first data".getBytes());
        out.writeString(1, "second/type");
        out.writeByteArray(2, "second".getBytes());
        out.writeByteArray(2, new byte[0]);
        out.writeByteArray(2, "third".getBytes());
        out.flush();
        HttpBodyMessage decoded = decodeEmbedded(bytes.toByteArray());
        assertEquals("second/type", decoded.contentType());
        assertArrayEquals("third".getBytes(), data(decoded));
        assertDecodesLikeProtobuf(bytes.toByteArray());
    }

    @Test
    void explicitlyEncodedEmptyFields() throws Exception {
        // proto3 writers leave empty fields out, but a reader must accept them.
        byte[] encoded = {0x0a, 0x00, 0x12, 0x00};
        HttpBodyMessage decoded = decodeEmbedded(encoded);
        assertEquals("", decoded.contentType());
        assertEquals(0, decoded.dataLength());
        assertDecodesLikeProtobuf(encoded);
    }

    @Test
    void dataIsAViewIntoTheFramePayload() throws Exception {
        byte[] encoded = HttpBody.newBuilder().setContentType("a/b").setData(ByteString.copyFromUtf8("xyz")).build().toByteArray();
        GrpcFrame frame = new GrpcFrame(false, encoded, 0, encoded.length);
        HttpBodyMessage decoded = HttpBodyMessage.decode(frame);
        assertTrue(decoded.data() == encoded, "decode must not copy the data bytes");
        assertEquals(encoded.length - 3, decoded.dataOffset());
    }

    @Test
    void randomBinaryDataOfManySizes() throws Exception {
        Random random = new Random(20240601L);
        List<Integer> sizes = new ArrayList<>(List.of(0, 1, 2, 127, 128, 129, 255, 256, 8191, 8192, 16383, 16384, 16385,
                65535, 65536, 70000));
        for (int i = 0; i < 40; i++) {
            sizes.add(random.nextInt(70001));
        }
        for (int size : sizes) {
            byte[] data = randomBytes(random, size);
            assertRoundTrip(HttpBody.newBuilder().setData(ByteString.copyFrom(data)).build());
            assertRoundTrip(HttpBody.newBuilder().setContentType("application/octet-stream")
                    .setData(ByteString.copyFrom(data)).build());
        }
    }

    /** Random HttpBodies, written both canonically and with fields shuffled, repeated and explicit. */
    @Test
    void propertyRandomMessagesDecodeLikeProtobuf() throws Exception {
        Random random = new Random(42);
        for (int iteration = 0; iteration < 500; iteration++) {
            HttpBody.Builder builder = HttpBody.newBuilder();
            if (random.nextBoolean()) {
                builder.setContentType(randomText(random, random.nextInt(40)));
            }
            if (random.nextInt(4) > 0) {
                int size = random.nextInt(10) == 0 ? random.nextInt(70000) : random.nextInt(300);
                builder.setData(ByteString.copyFrom(randomBytes(random, size)));
            }
            for (int e = random.nextInt(3); e > 0; e--) {
                builder.addExtensions(Any.pack(StringValue.of(randomText(random, random.nextInt(20)))));
            }
            HttpBody body = builder.build();
            assertRoundTrip(body);
            assertDecodesLikeProtobuf(shuffledEncoding(random, body));
        }
    }

    private static byte[] shuffledEncoding(Random random, HttpBody body) throws IOException {
        List<byte[]> fields = new ArrayList<>();
        for (Any extension : body.getExtensionsList()) {
            fields.add(field(3, extension.toByteArray()));
        }
        // Stale values first; the real ones last so that they win, as in protobuf.
        List<byte[]> stale = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            stale.add(random.nextBoolean() ? field(1, randomText(random, 5).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    : field(2, randomBytes(random, random.nextInt(50))));
        }
        fields.addAll(stale);
        Collections.shuffle(fields, random);
        List<byte[]> last = new ArrayList<>();
        last.add(field(1, body.getContentType().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        last.add(field(2, body.getData().toByteArray()));
        Collections.shuffle(last, random);
        fields.addAll(last);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] field : fields) {
            out.write(field);
        }
        return out.toByteArray();
    }

    static byte[] field(int number, byte[] value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(number, value);
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * Mutated encodings: whatever decode accepts, protobuf-java must read the same way; and
     * whatever protobuf-java's wire-format parser reads as fields 1-3, all length-delimited,
     * with a UTF-8 content type, decode must accept. Anything else must be INVALID_ARGUMENT.
     */
    @Test
    void fuzzMutatedEncodingsAgreeWithProtobufWireParser() throws Exception {
        Random random = new Random(7);
        int accepted = 0;
        for (int iteration = 0; iteration < 20000; iteration++) {
            HttpBody.Builder builder = HttpBody.newBuilder();
            if (random.nextBoolean()) {
                builder.setContentType(randomText(random, random.nextInt(8)));
            }
            if (random.nextBoolean()) {
                builder.setData(ByteString.copyFrom(randomBytes(random, random.nextInt(20))));
            }
            if (random.nextInt(4) == 0) {
                builder.addExtensions(Any.pack(StringValue.of("e")));
            }
            byte[] bytes = builder.build().toByteArray();
            bytes = mutate(random, bytes);

            Reference expected = Reference.of(bytes);
            HttpBodyMessage actual;
            try {
                actual = decodeEmbedded(bytes);
            } catch (GrpcStatusException e) {
                assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
                if (expected != null) {
                    fail("decode rejected " + hex(bytes) + " (" + e.getMessage() + ") which protobuf reads as " + expected);
                }
                continue;
            }
            accepted++;
            if (expected == null) {
                fail("decode accepted " + hex(bytes) + " which is not a valid HttpBody wire encoding");
            }
            assertEquals(expected.contentType, actual.contentType(), hex(bytes));
            assertArrayEquals(expected.data, data(actual), hex(bytes));
        }
        assertTrue(accepted > 1000, "the fuzz should exercise accepted inputs too: " + accepted);
    }

    private static byte[] mutate(Random random, byte[] bytes) {
        int mutations = 1 + random.nextInt(3);
        byte[] result = bytes;
        for (int m = 0; m < mutations; m++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (result.length > 0) {
                        result = result.clone();
                        result[random.nextInt(result.length)] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> {
                    if (result.length > 0) {
                        result = result.clone();
                        result[random.nextInt(result.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 2 -> result = Arrays.copyOf(result, random.nextInt(result.length + 1));
                case 3 -> {
                    byte[] longer = Arrays.copyOf(result, result.length + 1 + random.nextInt(3));
                    for (int i = result.length; i < longer.length; i++) {
                        longer[i] = (byte) random.nextInt(256);
                    }
                    result = longer;
                }
                default -> {
                    // leave as is: valid inputs must keep being accepted
                }
            }
        }
        return result;
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b & 0xff));
        }
        return out.toString();
    }

    /** What protobuf-java's wire-format parser makes of the bytes, read as an HttpBody. */
    private record Reference(String contentType, byte[] data) {
        static Reference of(byte[] bytes) {
            UnknownFieldSet fields;
            try {
                fields = UnknownFieldSet.parseFrom(bytes);
            } catch (InvalidProtocolBufferException e) {
                return null;
            }
            String contentType = "";
            byte[] data = new byte[0];
            for (var entry : fields.asMap().entrySet()) {
                int number = entry.getKey();
                UnknownFieldSet.Field field = entry.getValue();
                if (number < 1 || number > 3 || !field.getVarintList().isEmpty() || !field.getFixed32List().isEmpty()
                        || !field.getFixed64List().isEmpty() || !field.getGroupList().isEmpty()) {
                    return null;
                }
                List<ByteString> values = field.getLengthDelimitedList();
                ByteString last = values.get(values.size() - 1);
                if (number == 1) {
                    if (!last.isValidUtf8()) {
                        return null;
                    }
                    contentType = last.toStringUtf8();
                } else if (number == 2) {
                    data = last.toByteArray();
                }
            }
            return new Reference(contentType, data);
        }

        @Override
        public String toString() {
            return "content type '" + contentType + "', " + data.length + " data bytes";
        }
    }

    @Test
    void everySingleByteMessage() {
        // No one-byte message is a valid HttpBody except none: a lone tag always lacks its value.
        IntStream.range(0, 256).forEach(b -> {
            byte[] bytes = {(byte) b};
            GrpcStatusException e = org.junit.jupiter.api.Assertions.assertThrows(GrpcStatusException.class,
                    () -> decodeEmbedded(bytes));
            assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
        });
    }
}
