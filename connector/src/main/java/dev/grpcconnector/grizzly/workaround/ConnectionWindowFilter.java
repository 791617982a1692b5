package dev.grpcconnector.grizzly.workaround;

import dev.grpcconnector.grizzly.frames.InboundFrameFilter;
import dev.grpcconnector.grizzly.frames.Http2FrameScanner;
import java.io.IOException;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Works around Grizzly 5.0.0 crediting the HTTP/2 connection flow-control window twice
 * for every byte of request data (docs/upstream/grizzly-http2-defects.md, defect 5): it
 * lets the server's connection-level {@code WINDOW_UPDATE} frames credit each received
 * DATA byte exactly once.
 *
 * <p>The defect: {@code Http2BaseFilter.processDataFrame} acknowledges a DATA frame's bytes
 * to the connection when it arrives ({@code Http2Session.ackConsumedData(int)}), and
 * {@code DefaultInputBuffer} acknowledges them again, to the stream <em>and</em> the
 * connection, when the application consumes them. The client's connection send window
 * therefore grows by what it sends; after about 2 GiB of request bodies on one connection
 * it passes 2<sup>31</sup>−1 and a compliant client must close the connection
 * (RFC 9113 §6.9.1) — Envoy and grpc-java do, failing every stream on it.
 *
 * <p>The filter sits below {@code HttpServerFilter}, where it sees the connection's raw
 * bytes both ways. Reading, an {@link Http2FrameScanner} adds up the payload length of
 * every DATA frame received. Writing, every stream-0 {@code WINDOW_UPDATE} that Grizzly
 * sends (always alone, from {@code Http2SessionOutputSink.writeDownStream}) is limited to
 * the bytes received but not yet credited, and dropped when that is zero (an increment of 0
 * is a protocol error). Grizzly sends these updates no later than it would without the
 * defect, so the connection window is credited as promptly as before, once. Grizzly's
 * server never enlarges the connection window beyond the default, so no increment is
 * anything but an acknowledgement of data. Stream-level updates are correct and pass
 * untouched.
 *
 * <p>Connections that do not start with the HTTP/2 preface (HTTP/1.1, and the rare
 * {@code Upgrade: h2c}) pass untouched too; an upgraded connection keeps the defect.
 */
public final class ConnectionWindowFilter extends InboundFrameFilter<ConnectionWindowFilter.Credit> {
    private static final int WINDOW_UPDATE_FRAME_LENGTH = Http2FrameScanner.FRAME_HEADER_LENGTH + 4;

    @Override
    protected Credit newListener(Connection<?> connection) {
        return new Credit();
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof Buffer buffer) || !isConnectionWindowUpdate(buffer)) {
            return ctx.getInvokeAction();
        }
        Http2FrameScanner<Credit> scanner = scanner(ctx.getConnection());
        if (scanner == null || !scanner.isFollowing()) {
            return ctx.getInvokeAction();
        }
        int requested = buffer.getInt(buffer.position() + Http2FrameScanner.FRAME_HEADER_LENGTH) & 0x7fffffff;
        int granted = scanner.listener().grant(requested);
        if (granted == requested) {
            return ctx.getInvokeAction();
        }
        buffer.tryDispose();
        if (granted == 0) {
            CompletionHandler<WriteResult> handler = ctx.getTransportContext().getCompletionHandler();
            if (handler != null) {
                handler.completed(WriteResult.create(ctx.getConnection()));
            }
            return ctx.getStopAction();
        }
        ctx.setMessage(Buffers.wrap(ctx.getMemoryManager(), windowUpdate(granted)));
        return ctx.getInvokeAction();
    }

    /** A whole WINDOW_UPDATE frame for stream 0, alone in the buffer. */
    static boolean isConnectionWindowUpdate(Buffer buffer) {
        int start = buffer.position();
        return buffer.remaining() == WINDOW_UPDATE_FRAME_LENGTH
                && buffer.get(start) == 0 && buffer.get(start + 1) == 0 && buffer.get(start + 2) == 4
                && buffer.get(start + 3) == Http2FrameScanner.WINDOW_UPDATE
                && (buffer.getInt(start + 5) & 0x7fffffff) == 0;
    }

    static byte[] windowUpdate(int increment) {
        return new byte[] {0, 0, 4, Http2FrameScanner.WINDOW_UPDATE, 0, 0, 0, 0, 0,
            (byte) (increment >>> 24), (byte) (increment >>> 16), (byte) (increment >>> 8), (byte) increment};
    }

    /** One connection's DATA bytes received and connection window credited. */
    static final class Credit implements Http2FrameScanner.FrameListener {
        private long received;
        private long credited;

        @Override
        public synchronized void onFrame(int type, int flags, int streamId, int payloadLength) {
            if (type == Http2FrameScanner.DATA) {
                received += payloadLength;
            }
        }

        /** How much of {@code requested} is owed for data received: 0 to {@code requested}. */
        synchronized int grant(int requested) {
            int granted = (int) Math.min(requested, received - credited);
            credited += granted;
            return granted;
        }
    }
}
