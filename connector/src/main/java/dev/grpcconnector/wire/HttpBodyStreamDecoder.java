package dev.grpcconnector.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the request messages of a streaming call into pieces of the HTTP request body
 * as the bytes arrive, so that a large message is never held whole: its {@code data}
 * field (whose length its tag gives) is handed on chunk by chunk, and a 16 MiB message
 * costs the size of one delivery.
 *
 * <p>Each piece is an {@link HttpBodyMessage} carrying its message's content type and a
 * part of its data (a copy: the input buffer is the caller's to reuse); every message
 * yields at least one piece, an empty one when it has no data.
 *
 * <p>Which messages are streamed: uncompressed ones announced longer than
 * {@code streamAbove}. Smaller and gzip-compressed messages are buffered whole (by a
 * {@link GrpcFrameDecoder}, accounted with the {@link MessageMemory}) and decoded by
 * {@link HttpBodyMessage#decode}, exactly as before. A streamed message is decoded field
 * by field with the same rules, with two differences, because data already handed on
 * cannot be taken back: the content type must come before the data (as protobuf-java,
 * grpc-java and Envoy write it), and the data field must not repeat (protobuf would keep
 * the last). Such a message is refused with {@code INVALID_ARGUMENT}, as is any error
 * found after some of its data has gone on; the caller then fails the application's read.
 *
 * <p>One instance per call; not thread-safe (a call's reads are serialised).
 */
public final class HttpBodyStreamDecoder {
    private static final int TAG = 0;
    private static final int LENGTH = 1;
    private static final int CONTENT_TYPE = 2;
    private static final int DATA = 3;
    private static final int SKIP = 4;

    private final int maxMessageBytes;
    private final MessageMemory memory;
    private final int streamAbove;
    private final String encoding;

    private final byte[] prefix = new byte[GrpcFrame.PREFIX_BYTES];
    private int prefixFilled;
    /** Bytes of the current message not yet read; -1 between messages. */
    private long messageLeft = -1;
    /** The decoder of the current message when it is buffered whole; null when it is streamed. */
    private GrpcFrameDecoder whole;

    // A streamed message, field by field.
    private int phase;
    private long varint;
    private int varintShift;
    private int field;
    private long fieldLeft;
    private byte[] contentTypeBytes;
    private int contentTypeFilled;
    private String contentType;
    private boolean dataSeen;
    private boolean pieceEmitted;

    /**
     * @param grpcEncoding the call's {@code grpc-encoding} (already {@linkplain MessageEncoding#check checked})
     * @param streamAbove messages announced longer than this are streamed
     */
    public HttpBodyStreamDecoder(int maxMessageBytes, MessageMemory memory, int streamAbove, String grpcEncoding) {
        this.maxMessageBytes = maxMessageBytes;
        this.memory = memory;
        this.streamAbove = streamAbove;
        this.encoding = grpcEncoding;
    }

    /**
     * Consumes all of {@code input} and returns the pieces it completed, in order.
     *
     * @throws GrpcStatusException as {@link GrpcFrameDecoder#decode}, {@link MessageEncoding#decode}
     *     and {@link HttpBodyMessage#decode} do
     */
    public List<HttpBodyMessage> decode(ByteBuffer input) throws GrpcStatusException {
        List<HttpBodyMessage> pieces = new ArrayList<>(1);
        while (input.hasRemaining() || messageLeft == 0) {
            if (messageLeft < 0) {
                int n = Math.min(input.remaining(), GrpcFrame.PREFIX_BYTES - prefixFilled);
                input.get(prefix, prefixFilled, n);
                prefixFilled += n;
                if (prefixFilled < GrpcFrame.PREFIX_BYTES) {
                    break;
                }
                startMessage(pieces);
            } else if (whole != null) {
                int n = (int) Math.min(input.remaining(), messageLeft);
                ByteBuffer slice = input.slice(input.position(), n);
                input.position(input.position() + n);
                messageLeft -= n;
                for (GrpcFrame frame : whole.decode(slice)) {
                    pieces.add(HttpBodyMessage.decode(MessageEncoding.decode(frame, encoding, maxMessageBytes, memory)));
                }
                if (messageLeft == 0) {
                    endMessage();
                }
            } else if (messageLeft > 0) {
                streamFields(input, pieces);
            } else {
                endStreamedMessage(pieces);
            }
        }
        return pieces;
    }

    /** True when the bytes seen so far end inside a message (the body was cut short). */
    public boolean isInsideMessage() {
        return prefixFilled > 0;
    }

    private void startMessage(List<HttpBodyMessage> pieces) throws GrpcStatusException {
        // The frame decoder checks the prefix (flag, size limit) and buffers a whole message.
        GrpcFrameDecoder frames = new GrpcFrameDecoder(maxMessageBytes, memory);
        List<GrpcFrame> empty = frames.decode(ByteBuffer.wrap(prefix));
        long length = ((prefix[1] & 0xffL) << 24) | ((prefix[2] & 0xff) << 16) | ((prefix[3] & 0xff) << 8)
                | (prefix[4] & 0xff);
        boolean compressed = prefix[0] == 1;
        messageLeft = length;
        if (!empty.isEmpty()) {
            pieces.add(HttpBodyMessage.decode(MessageEncoding.decode(empty.get(0), encoding, maxMessageBytes, memory)));
            endMessage();
        } else if (compressed || length <= streamAbove) {
            whole = frames;
        } else {
            phase = TAG;
            varint = 0;
            varintShift = 0;
            contentType = "";
            dataSeen = false;
            pieceEmitted = false;
        }
    }

    private void endMessage() {
        prefixFilled = 0;
        messageLeft = -1;
        whole = null;
    }

    private void streamFields(ByteBuffer input, List<HttpBodyMessage> pieces) throws GrpcStatusException {
        switch (phase) {
            case TAG, LENGTH -> readVarintByte(input.get());
            case CONTENT_TYPE -> {
                int n = take(input);
                input.get(contentTypeBytes, contentTypeFilled, n);
                contentTypeFilled += n;
                if (fieldLeft == 0) {
                    try {
                        contentType = HttpBodyMessage.utf8(contentTypeBytes, 0, contentTypeBytes.length);
                    } catch (ProtoWire.MalformedMessageException e) {
                        throw malformed(e.getMessage());
                    }
                    memory.release(contentTypeBytes.length);
                    contentTypeBytes = null;
                    phase = TAG;
                }
            }
            case DATA -> {
                byte[] data = new byte[take(input)];
                input.get(data);
                pieces.add(new HttpBodyMessage(contentType, data, 0, data.length));
                pieceEmitted = true;
                if (fieldLeft == 0) {
                    phase = TAG;
                }
            }
            case SKIP -> {
                int n = take(input);
                input.position(input.position() + n);
                if (fieldLeft == 0) {
                    phase = TAG;
                }
            }
            default -> throw new IllegalStateException("phase " + phase);
        }
    }

    /** Consumes up to the end of the current field, within the input and the message. */
    private int take(ByteBuffer input) {
        int n = (int) Math.min(input.remaining(), fieldLeft);
        fieldLeft -= n;
        messageLeft -= n;
        return n;
    }

    private void readVarintByte(byte b) throws GrpcStatusException {
        messageLeft--;
        if (varintShift >= 64) {
            throw malformed("varint longer than 10 bytes");
        }
        varint |= (long) (b & 0x7f) << varintShift;
        varintShift += 7;
        if ((b & 0x80) != 0) {
            return;
        }
        long value = varint;
        varint = 0;
        varintShift = 0;
        if (phase == TAG) {
            field = (int) (value >>> 3);
            int wireType = (int) (value & 7);
            if (field < HttpBodyMessage.CONTENT_TYPE || field > HttpBodyMessage.EXTENSIONS || wireType != ProtoWire.LEN) {
                throw malformed("field " + field + " with wire type " + wireType + " is not part of google.api.HttpBody");
            }
            phase = LENGTH;
            return;
        }
        if (value < 0 || value > messageLeft) {
            throw malformed("length-delimited field runs past the end of the message");
        }
        fieldLeft = value;
        phase = value == 0 ? TAG : SKIP;
        if (field == HttpBodyMessage.CONTENT_TYPE) {
            if (dataSeen) {
                throw malformed("content_type after data in a streamed message (the data has gone on already)");
            }
            contentType = "";
            if (value > 0) {
                if (!memory.tryHold(value)) {
                    throw new GrpcStatusException(GrpcStatus.RESOURCE_EXHAUSTED, memory.refusal());
                }
                contentTypeBytes = new byte[(int) value];
                contentTypeFilled = 0;
                phase = CONTENT_TYPE;
            }
        } else if (field == HttpBodyMessage.DATA) {
            if (dataSeen) {
                throw malformed("data appears twice in a streamed message (the first has gone on already)");
            }
            dataSeen = true;
            if (value > 0) {
                phase = DATA;
            }
        }
    }

    private void endStreamedMessage(List<HttpBodyMessage> pieces) throws GrpcStatusException {
        if (phase != TAG || varintShift > 0) {
            throw malformed("truncated varint");
        }
        if (!pieceEmitted) {
            pieces.add(new HttpBodyMessage(contentType, new byte[0], 0, 0));
        }
        endMessage();
    }

    private static GrpcStatusException malformed(String why) {
        return new GrpcStatusException(GrpcStatus.INVALID_ARGUMENT, "request message is not a google.api.HttpBody: " + why);
    }
}
