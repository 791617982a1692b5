package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.health.v1.HealthCheckResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bytes that are not a {@code google.api.HttpBody} are refused with INVALID_ARGUMENT. */
class HttpBodyMessageRejectTest {

    private static GrpcStatusException assertRejected(byte[] bytes) {
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> HttpBodyMessageDecodeTest.decodeEmbedded(bytes));
        assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
        return e;
    }

    /** Malformed protobuf: protobuf-java refuses it too. */
    private static void assertRejectedLikeProtobuf(byte[] bytes) {
        assertThrows(InvalidProtocolBufferException.class, () -> HttpBody.parseFrom(bytes));
        assertRejected(bytes);
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    @Test
    void truncatedVarint() {
        assertRejectedLikeProtobuf(bytes(0xff, 0xff));
        assertRejectedLikeProtobuf(bytes(0x80));
        // A valid field, then a tag cut short.
        assertRejectedLikeProtobuf(bytes(0x0a, 0x01, 'a', 0x92));
        // Tag fine, length varint cut short.
        assertRejectedLikeProtobuf(bytes(0x12, 0x80));
    }

    @Test
    void varintLongerThanTenBytes() {
        assertRejectedLikeProtobuf(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
        assertRejectedLikeProtobuf(bytes(0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00));
    }

    @Test
    void lengthRunningPastTheEnd() {
        assertRejectedLikeProtobuf(bytes(0x12, 0x05, 1, 2));
        assertRejectedLikeProtobuf(bytes(0x0a, 0x03, 'a', 'b'));
        assertRejectedLikeProtobuf(bytes(0x1a, 0x01));
        // The whole HttpBody minus its last byte.
        byte[] whole = HttpBody.newBuilder().setContentType("text/plain").setData(ByteString.copyFromUtf8("hello"))
                .build().toByteArray();
        assertRejectedLikeProtobuf(java.util.Arrays.copyOf(whole, whole.length - 1));
    }

    @Test
    void lengthThatIsNegativeOrHuge() {
        // 2^64 - 1 as a ten-byte varint: negative as a signed long.
        assertRejected(bytes(0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 'x'));
        // 2^31 - 1
        assertRejectedLikeProtobuf(bytes(0x12, 0xff, 0xff, 0xff, 0xff, 0x07, 'x'));
        // 2^31: negative as an int
        assertRejectedLikeProtobuf(bytes(0x12, 0x80, 0x80, 0x80, 0x80, 0x08, 'x'));
    }

    @Test
    void healthCheckResponseIsNotAnHttpBody() {
        // status = 1 is field 1 as a varint: HttpBody's field 1 with the wrong wire type.
        byte[] response = HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build()
                .toByteArray();
        assertEquals(2, response.length);
        GrpcStatusException e = assertRejected(response);
        assertEquals(GrpcStatus.INVALID_ARGUMENT.code(), 3);
        org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 5, 15, 16, 100, 2047, 536870911})
    void unknownFieldNumbers(int field) throws IOException {
        assertRejected(encode(out -> out.writeByteArray(field == 0 ? 1 : field, new byte[] {1}), field));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void knownFieldWithWrongWireType(int field) throws IOException {
        assertRejected(encode(out -> out.writeUInt64(field, 1), field));
        assertRejected(encode(out -> out.writeFixed32(field, 1), field));
        assertRejected(encode(out -> out.writeFixed64(field, 1), field));
        assertRejected(encode(out -> out.writeGroup(field, UnknownFieldSet.getDefaultInstance()), field));
        // Wire types 6 and 7 do not exist.
        assertRejected(bytes((field << 3) | 6, 0));
        assertRejected(bytes((field << 3) | 7, 0));
    }

    @Test
    void unknownFieldAfterValidFields() throws IOException {
        byte[] valid = HttpBody.newBuilder().setContentType("text/plain").setData(ByteString.copyFromUtf8("x")).build()
                .toByteArray();
        byte[] extra = encode(out -> out.writeString(7, "hi"), 7);
        byte[] both = java.util.Arrays.copyOf(valid, valid.length + extra.length);
        System.arraycopy(extra, 0, both, valid.length, extra.length);
        assertRejected(both);
    }

    @Test
    void fieldNumberZero() {
        assertRejectedLikeProtobuf(bytes(0x02, 0x00));
        assertRejectedLikeProtobuf(bytes(0x00));
    }

    @Test
    void invalidUtf8ContentType() {
        // Invalid continuation byte.
        assertRejectedLikeProtobuf(bytes(0x0a, 0x02, 0xc3, 0x28));
        // Overlong encoding of '/'.
        assertRejectedLikeProtobuf(bytes(0x0a, 0x02, 0xc0, 0xaf));
        // A UTF-16 surrogate encoded as UTF-8 (CESU-8).
        assertRejectedLikeProtobuf(bytes(0x0a, 0x03, 0xed, 0xa0, 0x80));
        // A multi-byte sequence cut at the end of the field.
        assertRejectedLikeProtobuf(bytes(0x0a, 0x02, 'a', 0xe2, 0x12, 0x00));
        // Beyond U+10FFFF.
        assertRejectedLikeProtobuf(bytes(0x0a, 0x04, 0xf4, 0x90, 0x80, 0x80));
        // A lone continuation byte.
        assertRejectedLikeProtobuf(bytes(0x0a, 0x01, 0x80));
    }

    @Test
    void invalidUtf8InDataIsFine() throws Exception {
        // data is bytes, not a string.
        byte[] encoded = bytes(0x12, 0x02, 0xc3, 0x28);
        HttpBodyMessage decoded = HttpBodyMessageDecodeTest.decodeEmbedded(encoded);
        assertEquals(2, decoded.dataLength());
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] encode(Writer writer, int field) throws IOException {
        if (field == 0) {
            return bytes(0x02, 0x01, 0x01);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writer.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
