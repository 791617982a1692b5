package dev.grpcconnector.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a gRPC request body, fed in arbitrary chunks as HTTP/2 DATA arrives, into
 * length-prefixed messages.
 *
 * <p>Memory is bounded by the size limit: a prefix that announces more than
 * {@code maxMessageBytes} is refused before any of its payload is stored, and the
 * payload array grows with the bytes actually received, so a client that announces a
 * large message and sends little holds little. The payload array is accounted with a
 * {@link MessageMemory} before it is allocated or grown, and given back once the message
 * is complete and handed on. One instance per call; not thread-safe (a call's reads are
 * serialised by Grizzly's HTTP/2 input buffer).
 */
public final class GrpcFrameDecoder {
    private static final int INITIAL_CAPACITY = 8192;

    private final int maxMessageBytes;
    private final MessageMemory memory;
    private final byte[] prefix = new byte[GrpcFrame.PREFIX_BYTES];
    private int prefixFilled;
    private boolean compressed;
    private int length = -1;
    private byte[] payload;
    private int payloadFilled;

    /** A decoder whose memory is not accounted (bounded by {@code maxMessageBytes} only). */
    public GrpcFrameDecoder(int maxMessageBytes) {
        this(maxMessageBytes, MessageMemory.UNCOUNTED);
    }

    public GrpcFrameDecoder(int maxMessageBytes, MessageMemory memory) {
        this.maxMessageBytes = maxMessageBytes;
        this.memory = memory;
    }

    /**
     * Consumes all of {@code input} and returns the messages it completed, in order.
     *
     * @throws GrpcStatusException {@code RESOURCE_EXHAUSTED} for a message over the
     *     limit or when the memory for the next bytes is refused, {@code INTERNAL} for a
     *     prefix whose flag byte is neither 0 nor 1
     */
    public List<GrpcFrame> decode(ByteBuffer input) throws GrpcStatusException {
        List<GrpcFrame> frames = new ArrayList<>(1);
        while (input.hasRemaining()) {
            if (length < 0) {
                int n = Math.min(input.remaining(), GrpcFrame.PREFIX_BYTES - prefixFilled);
                input.get(prefix, prefixFilled, n);
                prefixFilled += n;
                if (prefixFilled < GrpcFrame.PREFIX_BYTES) {
                    break;
                }
                startMessage();
            }
            int n = Math.min(input.remaining(), length - payloadFilled);
            if (n > 0) {
                ensureCapacity(payloadFilled + n);
                input.get(payload, payloadFilled, n);
                payloadFilled += n;
            }
            if (payloadFilled == length) {
                frames.add(new GrpcFrame(compressed, payload == null ? new byte[0] : payload, 0, length));
                if (payload != null) {
                    memory.release(payload.length);
                }
                reset();
            }
        }
        return frames;
    }

    /** True when the bytes seen so far end inside a message (the body was cut short). */
    public boolean isInsideMessage() {
        return prefixFilled > 0;
    }

    private void startMessage() throws GrpcStatusException {
        int flag = prefix[0] & 0xff;
        if (flag > 1) {
            throw new GrpcStatusException(GrpcStatus.INTERNAL,
                    "malformed gRPC frame: compressed flag is " + flag + ", expected 0 or 1");
        }
        long announced = ((prefix[1] & 0xffL) << 24) | ((prefix[2] & 0xff) << 16)
                | ((prefix[3] & 0xff) << 8) | (prefix[4] & 0xff);
        if (announced > maxMessageBytes) {
            throw new GrpcStatusException(GrpcStatus.RESOURCE_EXHAUSTED,
                    "gRPC message of " + announced + " bytes exceeds the limit of " + maxMessageBytes + " bytes");
        }
        compressed = flag == 1;
        length = (int) announced;
        payload = null;
        payloadFilled = 0;
    }

    private void ensureCapacity(int needed) throws GrpcStatusException {
        if (payload == null) {
            int capacity = Math.min(length, Math.max(needed, INITIAL_CAPACITY));
            hold(capacity);
            payload = new byte[capacity];
        } else if (payload.length < needed) {
            int grown = (int) Math.min(length, Math.max(needed, payload.length * 2L));
            hold(grown - payload.length);
            byte[] bigger = new byte[grown];
            System.arraycopy(payload, 0, bigger, 0, payloadFilled);
            payload = bigger;
        }
    }

    private void hold(int bytes) throws GrpcStatusException {
        if (!memory.tryHold(bytes)) {
            throw new GrpcStatusException(GrpcStatus.RESOURCE_EXHAUSTED, memory.refusal());
        }
    }

    private void reset() {
        prefixFilled = 0;
        length = -1;
        payload = null;
        payloadFilled = 0;
    }
}
