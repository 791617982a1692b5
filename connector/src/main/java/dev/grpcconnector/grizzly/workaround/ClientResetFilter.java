package dev.grpcconnector.grizzly.workaround;

import dev.grpcconnector.grizzly.frames.Http2FrameScanner;
import dev.grpcconnector.grizzly.frames.InboundFrameFilter;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.http2.Http2Session;
import org.glassfish.grizzly.http2.Http2Stream;

/**
 * Tells a gRPC call that its client cancelled it, the moment the client's
 * {@code RST_STREAM} arrives, so that the application's writes and reads fail and its
 * thread is freed: the call registers a {@link #RESET_LISTENER} on its request.
 *
 * <p>Workaround for Grizzly 5.0.0 defect 7 (docs/upstream/grizzly-http2-defects.md): Grizzly handles a peer's
 * {@code RST_STREAM} ({@code Http2Stream.resetRemotely}) by terminating the stream's input
 * and output without telling anyone: no close listener fires, and a blocking write on the
 * stream is silently discarded. So the connector watches for the frame itself. It sits below
 * {@code HttpServerFilter}, where it sees the connection's raw inbound bytes, and follows
 * their frames with an {@link Http2FrameScanner}; it sees each reset just before
 * Grizzly processes it. Only HTTP/2 connections that start with the preface are followed.
 * {@link CallOutputSink} is the other half: what makes the application's writes fail.
 */
public final class ClientResetFilter extends InboundFrameFilter<Http2FrameScanner.FrameListener> {
    /**
     * Request attribute: a {@link Runnable} run (on the connection's reading thread, so it
     * must not block) when the client resets the request's stream.
     */
    public static final String RESET_LISTENER = ClientResetFilter.class.getName() + ".listener";

    @Override
    protected Http2FrameScanner.FrameListener newListener(Connection<?> connection) {
        return (type, flags, streamId, length) -> {
            if (type == Http2FrameScanner.RST_STREAM && streamId != 0) {
                reset(connection, streamId);
            }
        };
    }

    private static void reset(Connection<?> connection, int streamId) {
        Http2Session session = Http2Session.get(connection);
        Http2Stream stream = session == null ? null : session.getStream(streamId);
        if (stream == null) {
            return;
        }
        if (stream.getRequest().getAttribute(RESET_LISTENER) instanceof Runnable listener) {
            listener.run();
        }
    }
}
