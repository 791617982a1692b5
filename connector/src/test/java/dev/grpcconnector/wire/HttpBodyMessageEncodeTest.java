package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpBodyMessage#frameHeader} followed by the data must be, byte for byte, the gRPC
 * frame grpc-java sends for protobuf-java's encoding of the same HttpBody.
 */
class HttpBodyMessageEncodeTest {
    private static final int[] BOUNDARY_LENGTHS = {0, 1, 127, 128, 129, 16383, 16384, 16385, 2097151, 2097152, 2097153};
    private static final List<String> CONTENT_TYPES = List.of("", "text/html; charset=UTF-8", "application/json",
            "x".repeat(127), "y".repeat(128), "ü".repeat(64), "☃/💩");

    /** protobuf-java's message, framed by grpc-java's MessageFramer. */
    private static byte[] referenceFrame(String contentType, byte[] data) {
        byte[] message = HttpBody.newBuilder().setContentType(contentType).setData(ByteString.copyFrom(data)).build()
                .toByteArray();
        return GrpcJavaReference.frame(List.of(message), false);
    }

    private static void assertEncodesLikeReference(String contentType, byte[] data) throws Throwable {
        byte[] contentTypeUtf8 = contentType.getBytes(StandardCharsets.UTF_8);
        byte[] header = HttpBodyMessage.frameHeader(contentTypeUtf8, data.length);
        byte[] expected = referenceFrame(contentType, data);
        String what = "content type of " + contentTypeUtf8.length + " bytes, " + data.length + " data bytes";

        assertEquals(expected.length, header.length + data.length, what);
        assertArrayEquals(Arrays.copyOf(expected, header.length), header, what);
        assertEquals(header.length - GrpcFrame.PREFIX_BYTES, HttpBodyMessage.headerSize(contentTypeUtf8, data.length), what);
        // The data follows the header unchanged (compared without a per-byte message: it is large).
        assertEquals(ByteString.copyFrom(data), ByteString.copyFrom(expected, header.length, data.length), what);

        byte[] frame = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, frame, header.length, data.length);
        List<byte[]> messages = GrpcJavaReference.deframe(frame, Integer.MAX_VALUE, false);
        assertEquals(1, messages.size());
        HttpBody parsed = HttpBody.parseFrom(messages.get(0));
        assertEquals(contentType, parsed.getContentType(), what);
        assertEquals(ByteString.copyFrom(data), parsed.getData(), what);

        // And the connector's own decoder reads its own encoding.
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(Integer.MAX_VALUE);
        List<GrpcFrame> frames = decoder.decode(java.nio.ByteBuffer.wrap(frame));
        assertEquals(1, frames.size());
        HttpBodyMessage decoded = HttpBodyMessage.decode(frames.get(0));
        assertEquals(contentType, decoded.contentType());
        assertEquals(data.length, decoded.dataLength());
    }

    @Test
    void dataLengthsAroundVarintBoundaries() throws Throwable {
        Random random = new Random(99);
        for (int length : BOUNDARY_LENGTHS) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            for (String contentType : CONTENT_TYPES) {
                assertEncodesLikeReference(contentType, data);
            }
        }
    }

    @Test
    void emptyBodyIsAnEmptyMessage() throws Throwable {
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0}, HttpBodyMessage.frameHeader(new byte[0], 0));
        assertEncodesLikeReference("", new byte[0]);
    }

    @Test
    void contentTypeOnly() throws Throwable {
        assertArrayEquals(new byte[] {0, 0, 0, 0, 5, 0x0a, 3, 'a', '/', 'b'},
                HttpBodyMessage.frameHeader("a/b".getBytes(StandardCharsets.UTF_8), 0));
    }

    /** Lengths too large to allocate: the header alone against protobuf-java's writer. */
    @Test
    void headerForLargeDataLengths() throws Exception {
        for (int length : new int[] {268435455, 268435456, 1 << 30, Integer.MAX_VALUE - 100}) {
            for (String contentType : List.of("", "application/octet-stream")) {
                byte[] contentTypeUtf8 = contentType.getBytes(StandardCharsets.UTF_8);
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                if (!contentType.isEmpty()) {
                    out.writeString(1, contentType);
                }
                out.writeTag(2, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(length);
                out.flush();
                byte[] messageHeader = bytes.toByteArray();
                int total = messageHeader.length + length;
                byte[] expected = new byte[GrpcFrame.PREFIX_BYTES + messageHeader.length];
                expected[1] = (byte) (total >>> 24);
                expected[2] = (byte) (total >>> 16);
                expected[3] = (byte) (total >>> 8);
                expected[4] = (byte) total;
                System.arraycopy(messageHeader, 0, expected, GrpcFrame.PREFIX_BYTES, messageHeader.length);
                assertArrayEquals(expected, HttpBodyMessage.frameHeader(contentTypeUtf8, length), "length " + length);
            }
        }
    }

    @Test
    void propertyRandomBodies() throws Throwable {
        Random random = new Random(1234);
        for (int iteration = 0; iteration < 500; iteration++) {
            String contentType = random.nextInt(5) == 0 ? "" : HttpBodyMessageDecodeTest.randomText(random, random.nextInt(200));
            int size = random.nextInt(8) == 0 ? random.nextInt(70000) : random.nextInt(400);
            byte[] data = new byte[size];
            random.nextBytes(data);
            assertEncodesLikeReference(contentType, data);
        }
    }

    @Test
    void writePrefixIsBigEndianLength() {
        byte[] target = new byte[7];
        Arrays.fill(target, (byte) 0x77);
        GrpcFrame.writePrefix(target, 1, 0x01020304);
        assertArrayEquals(new byte[] {0x77, 0, 1, 2, 3, 4, 0x77}, target);
        GrpcFrame.writePrefix(target, 2, 0xfffffff0);
        assertArrayEquals(new byte[] {0x77, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0}, target);
    }
}
