package dev.grpcconnector.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Collects the body of a unary response and turns it into one gRPC frame holding one
 * HttpBody, with a single copy of the bytes: data is appended after room reserved for
 * the largest possible frame header, and the real header is written right-aligned into
 * that room at the end, when the length is known.
 */
public final class UnaryMessageBuilder {
    private static final int MAX_VARINT32 = 5;

    private final byte[] contentType;
    private final int reserved;
    private byte[] buffer;
    private int end;

    public UnaryMessageBuilder(String contentType) {
        this.contentType = contentType.getBytes(StandardCharsets.UTF_8);
        this.reserved = GrpcFrame.PREFIX_BYTES + HttpBodyMessage.headerSize(this.contentType, 0) + 1 + MAX_VARINT32;
        this.buffer = new byte[reserved + 8192];
        this.end = reserved;
    }

    /** Appends all of {@code data}, consuming it. */
    public void append(ByteBuffer data) {
        int n = data.remaining();
        if (buffer.length - end < n) {
            long wanted = Math.max((long) end + n, buffer.length * 2L);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("unary response larger than 2 GiB; use the streaming method");
            }
            buffer = Arrays.copyOf(buffer, (int) wanted);
        }
        data.get(buffer, end, n);
        end += n;
    }

    /** The finished frame: {@code buffer[offset, offset + length)}. */
    public ByteBuffer build() {
        int dataLength = end - reserved;
        byte[] header = HttpBodyMessage.frameHeader(contentType, dataLength);
        int start = reserved - header.length;
        System.arraycopy(header, 0, buffer, start, header.length);
        return ByteBuffer.wrap(buffer, start, header.length + dataLength);
    }
}
