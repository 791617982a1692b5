package dev.grpcconnector.grizzly;

import dev.grpcconnector.grizzly.workaround.StreamOutputQueue;
import dev.grpcconnector.grizzly.workaround.TrailersAfterData;
import dev.grpcconnector.logging.RefusalLog;
import dev.grpcconnector.logging.RequestId;
import dev.grpcconnector.translate.ResponseTranslator;
import dev.grpcconnector.wire.GrpcMessageText;
import dev.grpcconnector.wire.GrpcStatus;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.HttpTrailer;
import org.glassfish.grizzly.http2.Http2Stream;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.threadpool.Threads;

/**
 * Writes the messages of a gRPC response on a Grizzly HTTP/2 stream and ends it with
 * trailers.
 *
 * <p>The last write waits: the trailers go out only once every data write has completed
 * and the stream's output queue is empty, written on the thread that finishes the
 * response before GlassFish fires {@code ResponseCompleteEvent} and recycles the packets.
 * That is the workaround for Grizzly defects 2, 3 and 6, kept in
 * {@link TrailersAfterData} and {@link StreamOutputQueue} (docs/architecture.md, the
 * workaround map).
 *
 * <p>The thread that blocks is the one finishing the response: a worker thread the
 * connector dispatched the request to, or the application's own thread for an async
 * request. It waits as a blocking servlet write waits for a slow client. It must never be
 * a Grizzly selector thread, which reads the window updates that release the wait:
 * Grizzly runs non-blocking write callbacks ({@code WriteListener.onWritePossible},
 * its own static-file handler) there. A response finished on a selector thread while
 * data is still in flight therefore cannot be sure to end correctly: its trailers carry
 * {@code INTERNAL} (and a log line says why), so a client that loses the tail learns
 * it. Servlet responses written with blocking I/O, and async responses finished from
 * application threads, are not affected.
 *
 * <p>The wait has no time limit of its own: a response that keeps moving, however slowly
 * its reader takes it, is written to the end. A response that stops moving is the
 * {@link StreamIdleTimeout}'s business, which cancels the call and so ends the wait
 * ({@link #abandon}); every completed write reports progress to it.
 */
public final class GrpcResponder {
    /** For a responder without a {@link StreamIdleTimeout} (typed services): give up after this long without progress. */
    static final long WRITE_TIMEOUT_SECONDS = 60;
    /** Once every write completed, the stream's queue is empty within microseconds (defect 6). */
    private static final long QUEUE_DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final HttpResponsePacket response;
    private final RefusalLog refusals;
    private final TrailersAfterData writes;
    private final boolean stallLimited;

    /**
     * For a call watched by a {@link StreamIdleTimeout}: the wait for the last write has no
     * limit of its own.
     *
     * @param progress told each time one of the response's writes completes or makes progress
     */
    GrpcResponder(HttpResponsePacket response, RefusalLog refusals, Runnable progress) {
        this(response, refusals, progress, 0);
    }

    /**
     * For a call without an idle timeout (typed services): the wait for the last write gives
     * up after {@link #WRITE_TIMEOUT_SECONDS} in which no write completed.
     */
    public GrpcResponder(HttpResponsePacket response, RefusalLog refusals) {
        this(response, refusals, () -> { }, TimeUnit.SECONDS.toNanos(WRITE_TIMEOUT_SECONDS));
    }

    private GrpcResponder(HttpResponsePacket response, RefusalLog refusals, Runnable progress, long stallNanos) {
        this.response = response;
        this.refusals = refusals;
        this.writes = new TrailersAfterData(progress, stallNanos);
        this.stallLimited = stallNanos > 0;
    }

    /**
     * Answers a call that never reached the application with a trailers-only response
     * (one HEADERS frame with END_STREAM carrying {@code grpc-status}), then tells Grizzly
     * that the stream's processing is complete.
     */
    static void trailersOnly(FilterChainContext ctx, HttpRequestPacket request, GrpcStatus status,
            String message, String... extraHeaders) {
        trailersOnly(ctx, request, status.code(), message, extraHeaders);
    }

    /**
     * {@link #trailersOnly(FilterChainContext, HttpRequestPacket, GrpcStatus, String, String...)}
     * with any status code (a typed service's), and a {@code null} message for none.
     */
    public static void trailersOnly(FilterChainContext ctx, HttpRequestPacket request, int statusCode,
            String message, String... extraHeaders) {
        HttpResponsePacket response = request.getResponse();
        response.setStatus(200);
        response.setContentType(ResponseTranslator.grpcContentType());
        response.setHeader("grpc-status", Integer.toString(statusCode));
        if (message != null) {
            response.setHeader("grpc-message", GrpcMessageText.percentEncode(message));
        }
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            response.addHeader(extraHeaders[i], extraHeaders[i + 1]);
        }
        response.setExpectContent(false);
        ctx.write(HttpContent.builder(response).content(Buffers.EMPTY_BUFFER).last(true).build());
        ctx.notifyDownstream(HttpServerFilter.RESPONSE_COMPLETE_EVENT);
    }

    /**
     * Lets a message (not the last), in a buffer of its own, go on down the chain as
     * {@code ctx}'s message, with a completion handler that counts it.
     */
    NextAction send(FilterChainContext ctx, Buffer message) {
        ctx.setMessage(HttpContent.builder(response).content(message).last(false).build());
        FilterChainContext.TransportContext transport = ctx.getTransportContext();
        transport.setCompletionHandler(writes.tracked(transport.getCompletionHandler()));
        // The application's cloner copies the application's own buffer when a write has
        // to wait; the message is a fresh buffer of the connector's, nothing to clone.
        transport.setMessageCloner(null);
        return ctx.getInvokeAction();
    }

    /**
     * Writes one message (not the last) of a response the connector produces itself, in a
     * buffer of its own; {@code written} hears when it has been handed to the connection
     * (or failed). {@link #finish} waits for it like for any other.
     */
    public void write(FilterChainContext ctx, Buffer message, CompletionHandler<WriteResult> written) {
        ctx.write(null, HttpContent.builder(response).content(message).last(false).build(), writes.tracked(written));
    }

    /**
     * Ends a response the connector produces itself (no application's last write to
     * complete): waits until every message written has left, then writes the trailers
     * with {@code statusCode}, {@code message} (or none when {@code null}) and the
     * further trailers ({@code name, value} pairs), and completes the stream.
     */
    public NextAction finish(FilterChainContext ctx, int statusCode, String message, String... extraTrailers) {
        return finish(ctx, null, Integer.toString(statusCode), message, null, true, extraTrailers);
    }

    /**
     * Writes the last message (if any), waits until every message has been written,
     * then writes the trailers.
     *
     * @param lastMessage a complete gRPC frame in a buffer of its own, or {@code null}
     * @param original the completion handler of the application's last write
     * @param ownResponse true when no application produced this response, so nobody else
     *     sends the {@code ResponseCompleteEvent}: it is sent after the trailers
     */
    NextAction finish(FilterChainContext ctx, Buffer lastMessage, GrpcStatus status, String message,
            CompletionHandler<WriteResult> original, boolean ownResponse) {
        return finish(ctx, lastMessage, status.wireValue(), message, original, ownResponse);
    }

    private NextAction finish(FilterChainContext ctx, Buffer lastMessage, String status, String message,
            CompletionHandler<WriteResult> original, boolean ownResponse, String... extraTrailers) {
        if (lastMessage != null) {
            ctx.write(null, HttpContent.builder(response).content(lastMessage).last(false).build(), writes.tracked(null));
        } else if (!response.isCommitted()) {
            ctx.write(response);
        }
        String endStatus = status;
        String endMessage = message;
        boolean allWritten = writes.awaitAllWritten();
        if (allWritten && !StreamOutputQueue.awaitEmpty(Http2Stream.getStreamFor(response), QUEUE_DRAIN_TIMEOUT_NANOS)) {
            refusals.refused(Level.WARNING, "response trailers may be sent twice: the stream's output queue did not drain "
                    + "after its last write (Grizzly defect 6)", "gRPC call " + response.getRequest().getRequestURI() + RequestId.suffix(response.getRequest()));
        }
        if (writes.isAbandoned()) {
            // The call was cancelled: its stream is reset, and trailers would be refused.
            if (original != null) {
                original.failed(new IOException("gRPC call cancelled"));
            }
            if (ownResponse) {
                ctx.notifyDownstream(HttpServerFilter.RESPONSE_COMPLETE_EVENT);
            }
            return ctx.getStopAction();
        } else if (!allWritten) {
            endStatus = GrpcStatus.INTERNAL.wireValue();
            extraTrailers = new String[0];
            endMessage = Threads.isService()
                    ? "response ended on a Grizzly selector thread while data was still in flight; its tail may be lost"
                    : stallLimited ? "no response data could be written for " + WRITE_TIMEOUT_SECONDS + " s"
                    : "interrupted while the response's data was still in flight; its tail may be lost";
            refusals.refused(Level.WARNING, "response ended with INTERNAL: " + endMessage,
                    "gRPC call " + response.getRequest().getRequestURI() + RequestId.suffix(response.getRequest()));
        }
        HttpTrailer.Builder trailer = HttpTrailer.builder(response).content(Buffers.EMPTY_BUFFER).last(true)
                .header("grpc-status", endStatus);
        if (endMessage != null) {
            trailer.header("grpc-message", GrpcMessageText.percentEncode(endMessage));
        }
        for (int i = 0; i + 1 < extraTrailers.length; i += 2) {
            trailer.header(extraTrailers[i], extraTrailers[i + 1]);
        }
        ctx.write(trailer.build(), original);
        if (ownResponse) {
            ctx.notifyDownstream(HttpServerFilter.RESPONSE_COMPLETE_EVENT);
        }
        return ctx.getStopAction();
    }

    /**
     * The call was cancelled (client reset, deadline): a thread waiting in {@link #finish}
     * stops waiting, and no trailers are written.
     */
    public void abandon() {
        writes.abandon();
    }

    /** Whether some of the response's data is still on its way to the client. */
    boolean hasWritesInFlight() {
        return writes.hasWritesInFlight();
    }
}
