package dev.grpcconnector.grizzly.frames;

import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;

/**
 * Follows the frame boundaries of one HTTP/2 connection's inbound bytes, as they arrive
 * in buffers of any size, and reports each frame header (RFC 9113 §4.1). It never copies
 * or consumes a payload: it only counts bytes, so it costs a few comparisons per frame.
 *
 * <p>The bytes must start with the client connection preface (RFC 9113 §3.4), which is
 * how Envoy and grpc-java open a cleartext connection ("prior knowledge"). A connection
 * that starts any other way (HTTP/1.1, or an HTTP/1.1 {@code Upgrade: h2c}) is not
 * followed: the scanner reports nothing for it, ever.
 *
 * <p>Not thread-safe: Grizzly reads one connection on one thread at a time.
 */
public final class Http2FrameScanner<L extends Http2FrameScanner.FrameListener> {
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int FRAME_HEADER_LENGTH = 9;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Receives the header of each inbound frame, before its payload has been read. */
    public interface FrameListener {
        void onFrame(int type, int flags, int streamId, int payloadLength);
    }

    private final L listener;
    private final byte[] header = new byte[FRAME_HEADER_LENGTH];
    private int prefaceMatched;
    private boolean notHttp2;
    private int headerFilled;
    private long payloadLeft;

    public Http2FrameScanner(L listener) {
        this.listener = listener;
    }

    public L listener() {
        return listener;
    }

    /** False once the connection turned out not to start with the HTTP/2 preface. */
    public boolean isFollowing() {
        return !notHttp2;
    }

    /** Scans the buffer's remaining bytes, leaving its position and limit as they were. */
    public void scan(Buffer buffer) {
        int at = buffer.position();
        int end = buffer.limit();
        while (at < end && !notHttp2) {
            if (prefaceMatched < PREFACE.length) {
                if (buffer.get(at++) != PREFACE[prefaceMatched++]) {
                    notHttp2 = true;
                }
            } else if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - at);
                at += skip;
                payloadLeft -= skip;
            } else {
                header[headerFilled++] = buffer.get(at++);
                if (headerFilled == FRAME_HEADER_LENGTH) {
                    headerFilled = 0;
                    frameHeaderComplete();
                }
            }
        }
    }

    private void frameHeaderComplete() {
        int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        int streamId = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
        payloadLeft = length;
        listener.onFrame(header[3] & 0xff, header[4] & 0xff, streamId, length);
    }
}
