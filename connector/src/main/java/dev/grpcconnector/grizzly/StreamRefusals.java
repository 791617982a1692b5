package dev.grpcconnector.grizzly;

import dev.grpcconnector.grizzly.frames.RawFrames;
import dev.grpcconnector.wire.GrpcStatus;
import java.io.IOException;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http2.Http2Stream;
import org.glassfish.grizzly.memory.Buffers;

/**
 * The ways the connector answers one HTTP/2 stream without the application, for the
 * filters outside this package ({@code grizzly.workaround}): each ends that stream only,
 * the connection goes on serving its others.
 */
public final class StreamRefusals {
    /** RST_STREAM error code REFUSED_STREAM (RFC 9113 §7): not processed, safe to retry. */
    public static final int REFUSED_STREAM = 0x7;

    private StreamRefusals() {
    }

    /** A gRPC call: trailers-only response with {@code status} and {@code message}. */
    public static void grpc(FilterChainContext ctx, HttpRequestPacket request, GrpcStatus status, String message) {
        GrpcResponder.trailersOnly(ctx, request, status, message);
    }

    /** Any other request: an empty response with HTTP status {@code code}. */
    public static void http(FilterChainContext ctx, HttpRequestPacket request, int code) {
        HttpResponsePacket response = request.getResponse();
        response.setStatus(code);
        response.setContentLength(0);
        ctx.write(HttpContent.builder(response).content(Buffers.EMPTY_BUFFER).last(true).build());
        ctx.notifyDownstream(HttpServerFilter.RESPONSE_COMPLETE_EVENT);
    }

    /**
     * Resets the stream with {@code errorCode}: Grizzly's stream is terminated first (so
     * nothing more is written on it and its resources are released), then the
     * RST_STREAM frame is written raw.
     */
    public static void reset(Connection<?> connection, Http2Stream stream, int errorCode, String reason) {
        stream.terminateWithReason(new IOException(reason));
        connection.write(Buffers.wrap(connection.getMemoryManager(), RawFrames.rstStream(stream.getId(), errorCode)));
    }

    /** The gRPC calls this listener's connector answers (HTTP/2 POST, {@code application/grpc}). */
    public static boolean isGrpcCall(HttpRequestPacket request) {
        return HttpBodyCallFilter.classify(request) != null;
    }
}
