package dev.grpcconnector.wire;

/**
 * One length-prefixed gRPC message as it travels in HTTP/2 DATA frames: a compressed
 * flag and the message bytes ({@code payload[offset, offset + length)}).
 */
public record GrpcFrame(boolean compressed, byte[] payload, int offset, int length) {

    /** Size of the prefix: one flag byte and a four-byte big-endian length. */
    public static final int PREFIX_BYTES = 5;

    /** Writes the five-byte prefix of an uncompressed message of {@code length} bytes. */
    public static void writePrefix(byte[] target, int at, int length) {
        target[at] = 0;
        target[at + 1] = (byte) (length >>> 24);
        target[at + 2] = (byte) (length >>> 16);
        target[at + 3] = (byte) (length >>> 8);
        target[at + 4] = (byte) length;
    }
}
