package dev.grpcconnector.grizzly;

import dev.grpcconnector.grizzly.frames.InboundFrameFilter;
import dev.grpcconnector.grizzly.frames.Http2FrameScanner;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http2.Http2Session;
import org.glassfish.grizzly.http2.Http2Stream;

/**
 * Tells the connector's calls when the client opens flow-control window, so that a slow
 * reader's response, which moves only as fast as the reader consumes it, counts as moving
 * for the {@link StreamIdleTimeout}, while a reader that never opens its window does not.
 *
 * <p>A {@code WINDOW_UPDATE} for a stream goes to that stream's call; one for the whole
 * connection (stream 0) to every call of the connection ({@link CallsPerConnection}),
 * each of which counts it only when it is waiting for the connection's window. It sits
 * below {@code HttpServerFilter} with the other raw-frame filters and sees each frame
 * just before Grizzly handles it.
 */
public final class PeerWindowFilter extends InboundFrameFilter<Http2FrameScanner.FrameListener> {

    @Override
    protected Http2FrameScanner.FrameListener newListener(Connection<?> connection) {
        return (type, flags, streamId, length) -> {
            if (type != Http2FrameScanner.WINDOW_UPDATE) {
                return;
            }
            if (streamId == 0) {
                for (CallsPerConnection.Slot slot : CallsPerConnection.inFlight(connection)) {
                    HttpBodyCall call = slot.call();
                    if (call != null) {
                        call.connectionWindowOpened();
                    }
                }
            } else if (callOf(connection, streamId) instanceof HttpBodyCall call) {
                call.streamWindowOpened();
            }
        };
    }

    private static Object callOf(Connection<?> connection, int streamId) {
        Http2Session session = Http2Session.get(connection);
        Http2Stream stream = session == null ? null : session.getStream(streamId);
        return stream == null || stream.getRequest() == null ? null : stream.getRequest().getAttribute(HttpBodyCall.ATTRIBUTE);
    }
}
