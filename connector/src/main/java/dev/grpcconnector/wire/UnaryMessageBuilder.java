package dev.grpcconnector.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Collects the body of a unary response and turns it into one gRPC frame holding one
 * HttpBody, with a single copy of the bytes: data is appended after room reserved for
 * the largest possible frame header, and the real header is written right-aligned into
 * that room at the end, when the length is known.
 *
 * <p>The body is bounded by {@code maxDataBytes}, and every growth of the buffer is
 * accounted with a {@link MessageMemory} before it is allocated; the bytes stay held until
 * the call's memory is given back as a whole, when the response has been written.
 */
public final class UnaryMessageBuilder {
    private static final int MAX_VARINT32 = 5;
    private static final int INITIAL_DATA_CAPACITY = 8192;

    private final byte[] contentType;
    private final int reserved;
    private final int maxDataBytes;
    private final MessageMemory memory;
    private byte[] buffer;
    private int end;

    /** A builder whose memory is not accounted, for bodies of up to 2 GiB. */
    public UnaryMessageBuilder(String contentType) {
        this(contentType, Integer.MAX_VALUE - 64 - contentType.length() * 3, MessageMemory.UNCOUNTED);
    }

    /**
     * @param maxDataBytes the largest body accepted; a larger one is refused with
     *     {@code RESOURCE_EXHAUSTED}
     */
    public UnaryMessageBuilder(String contentType, int maxDataBytes, MessageMemory memory) {
        this.contentType = contentType.getBytes(StandardCharsets.UTF_8);
        this.reserved = GrpcFrame.PREFIX_BYTES + HttpBodyMessage.headerSize(this.contentType, 0) + 1 + MAX_VARINT32;
        this.maxDataBytes = maxDataBytes;
        this.memory = memory;
        this.buffer = new byte[reserved];
        this.end = reserved;
    }

    /**
     * Appends all of {@code data}, consuming it.
     *
     * @throws GrpcStatusException {@code RESOURCE_EXHAUSTED} when the body would exceed
     *     {@code maxDataBytes} or its memory is refused; nothing is appended then
     */
    public void append(ByteBuffer data) throws GrpcStatusException {
        int n = data.remaining();
        if ((long) end - reserved + n > maxDataBytes) {
            throw new GrpcStatusException(GrpcStatus.RESOURCE_EXHAUSTED, "unary response body larger than the limit of "
                    + maxDataBytes + " bytes (grpc-connector-max-unary-response-bytes); use the Stream method");
        }
        if (buffer.length - end < n) {
            long wanted = Math.min((long) reserved + maxDataBytes,
                    Math.max((long) end + n, Math.max(buffer.length * 2L, reserved + INITIAL_DATA_CAPACITY)));
            if (!memory.tryHold(wanted - buffer.length)) {
                throw new GrpcStatusException(GrpcStatus.RESOURCE_EXHAUSTED, memory.refusal());
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
