package dev.grpcconnector.grizzly.frames;

import dev.grpcconnector.wire.GrpcMessageText;
import dev.grpcconnector.wire.GrpcStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames the connector writes itself, for the one case where Grizzly offers no
 * way: ending a stream from a timer thread, outside any request processing (an expired
 * {@code grpc-timeout}). They go out with {@code Connection.write}, which
 * {@code Http2ServerFilter} passes to the connection as they are, in order with its own
 * frames.
 *
 * <p>The header block uses only the static table and literals without indexing, no
 * Huffman coding (RFC 7541 §6.1, §6.2.2): it changes no compression state, so it can be
 * interleaved with the header blocks Grizzly's own encoder writes on the connection.
 */
public final class RawFrames {
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    /** RST_STREAM error code CANCEL (RFC 9113 §7). */
    public static final int CANCEL = 0x8;
    private static final int STATIC_STATUS_200 = 8;
    private static final int STATIC_CONTENT_TYPE = 31;

    private RawFrames() {
    }

    /** A trailers-only gRPC response: one HEADERS frame with END_STREAM. */
    public static byte[] trailersOnly(int streamId, GrpcStatus status, String message) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        integer(block, 0x80, 7, STATIC_STATUS_200);
        integer(block, 0x00, 4, STATIC_CONTENT_TYPE);
        string(block, "application/grpc");
        literal(block, "grpc-status", status.wireValue());
        literal(block, "grpc-message", GrpcMessageText.percentEncode(message));
        return frame(HEADERS, END_STREAM | END_HEADERS, streamId, block.toByteArray());
    }

    public static byte[] rstStream(int streamId, int errorCode) {
        return frame(RST_STREAM, 0, streamId,
                new byte[] {(byte) (errorCode >>> 24), (byte) (errorCode >>> 16), (byte) (errorCode >>> 8), (byte) errorCode});
    }

    private static void literal(ByteArrayOutputStream out, String name, String value) {
        out.write(0x00);
        string(out, name);
        string(out, value);
    }

    private static void string(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        integer(out, 0x00, 7, bytes.length);
        out.writeBytes(bytes);
    }

    /** RFC 7541 §5.1 integer with an {@code prefixBits}-bit prefix after the {@code pattern} bits. */
    private static void integer(ByteArrayOutputStream out, int pattern, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(pattern | value);
            return;
        }
        out.write(pattern | max);
        value -= max;
        while (value >= 0x80) {
            out.write((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) ((streamId >>> 24) & 0x7f);
        frame[6] = (byte) (streamId >>> 16);
        frame[7] = (byte) (streamId >>> 8);
        frame[8] = (byte) streamId;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }
}
