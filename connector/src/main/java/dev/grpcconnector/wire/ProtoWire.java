package dev.grpcconnector.wire;

/**
 * The few pieces of the protobuf binary format that {@code google.api.HttpBody} and the
 * health-check messages need: varints, tags and length-delimited fields
 * (<a href="https://protobuf.dev/programming-guides/encoding/">encoding</a>).
 *
 * <p>Why not protobuf-java: the connector is a GlassFish module, and GlassFish ships no
 * protobuf runtime; embedding one (about 1.9 MB, with its own OSGi wiring) to read
 * three fields would dwarf the connector. The tests check every codec built on this
 * class against protobuf-java and grpc-java as the reference.
 */
public final class ProtoWire {
    public static final int VARINT = 0;
    public static final int I64 = 1;
    public static final int LEN = 2;
    public static final int I32 = 5;

    private ProtoWire() {
    }

    /** Number of bytes {@code value} takes as a varint. */
    public static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    /** Writes {@code value} as a varint at {@code at}; returns the position after it. */
    public static int writeVarint(byte[] target, int at, long value) {
        while ((value & ~0x7FL) != 0) {
            target[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        target[at++] = (byte) value;
        return at;
    }

    /** A field's tag; a long because field numbers go up to 2^29 - 1. */
    public static long tag(int fieldNumber, int wireType) {
        return ((long) fieldNumber << 3) | wireType;
    }

    /** Size of a length-delimited field with a payload of {@code length} bytes. */
    public static int lengthDelimitedSize(int fieldNumber, int length) {
        return varintSize(tag(fieldNumber, LEN)) + varintSize(length) + length;
    }

    /** A forward-only reader over one encoded message. */
    public static final class Reader {
        private final byte[] buffer;
        private int position;
        private final int limit;

        public Reader(byte[] buffer, int offset, int length) {
            this.buffer = buffer;
            this.position = offset;
            this.limit = offset + length;
        }

        public boolean atEnd() {
            return position >= limit;
        }

        public int position() {
            return position;
        }

        public long readVarint() throws MalformedMessageException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= limit) {
                    throw new MalformedMessageException("truncated varint");
                }
                byte b = buffer[position++];
                result |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new MalformedMessageException("varint longer than 10 bytes");
        }

        /** Reads the length of a length-delimited field and checks it fits the message. */
        public int readLength() throws MalformedMessageException {
            long length = readVarint();
            if (length < 0 || length > limit - position) {
                throw new MalformedMessageException("length-delimited field runs past the end of the message");
            }
            return (int) length;
        }

        /** Moves past {@code length} bytes already checked by {@link #readLength()}. */
        public void skip(int length) {
            position += length;
        }

        /** Skips one field's value of the given wire type. */
        public void skipValue(int wireType) throws MalformedMessageException {
            switch (wireType) {
                case VARINT -> readVarint();
                case I64 -> skipFixed(8);
                case LEN -> skip(readLength());
                case I32 -> skipFixed(4);
                default -> throw new MalformedMessageException("unsupported wire type " + wireType);
            }
        }

        private void skipFixed(int n) throws MalformedMessageException {
            if (limit - position < n) {
                throw new MalformedMessageException("truncated fixed-width field");
            }
            position += n;
        }
    }

    /** The bytes are not a valid encoding of the expected message. */
    public static final class MalformedMessageException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedMessageException(String message) {
            super(message, null, false, false);
        }
    }
}
