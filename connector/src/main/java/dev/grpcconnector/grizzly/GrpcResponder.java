package dev.grpcconnector.grizzly;

import dev.grpcconnector.translate.ResponseTranslator;
import dev.grpcconnector.wire.GrpcMessageText;
import dev.grpcconnector.wire.GrpcStatus;
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
import org.glassfish.grizzly.memory.Buffers;

/**
 * Ends gRPC responses on a Grizzly HTTP/2 stream, working around two Grizzly 5.0.0
 * defects (see docs/architecture.md, "Grizzly defects"):
 *
 * <ul>
 *   <li><b>Trailers lost after a large body.</b> When a trailer record is queued behind
 *       data that does not fit the peer's stream window, Grizzly's
 *       {@code DefaultOutputSink} drops the trailers and the stream hangs. So the last
 *       message is written on its own and the trailers only from its completion handler,
 *       when the data has left the stream's queue.</li>
 *   <li><b>{@code ResponseCompleteEvent} closes the stream.</b> {@code Http2ServerFilter}
 *       closes the stream (an empty DATA frame with END_STREAM) when that event passes;
 *       trailers written later are refused. {@link #onResponseComplete} therefore
 *       suspends the event while trailers are pending and {@link #trailersQueued} resumes
 *       it, on whichever thread queued them.</li>
 * </ul>
 *
 * <p>One instance per call. The completion handler of the last data write may run on a
 * selector thread; the event arrives on the application's thread; the lock below is the
 * only state they share.
 */
final class GrpcResponder {
    private final HttpResponsePacket response;
    private boolean lastWriteSeen;
    private boolean trailersQueued;
    private FilterChainContext heldCompleteEvent;

    GrpcResponder(HttpResponsePacket response) {
        this.response = response;
    }

    /**
     * Answers a call that never reached the application with a trailers-only response
     * (one HEADERS frame with END_STREAM carrying {@code grpc-status}), then tells Grizzly
     * that the stream's processing is complete.
     */
    static void trailersOnly(FilterChainContext ctx, HttpRequestPacket request, GrpcStatus status,
            String message, String... extraHeaders) {
        HttpResponsePacket response = request.getResponse();
        response.setStatus(200);
        response.setContentType(ResponseTranslator.grpcContentType());
        response.setHeader("grpc-status", status.wireValue());
        response.setHeader("grpc-message", GrpcMessageText.percentEncode(message));
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            response.setHeader(extraHeaders[i], extraHeaders[i + 1]);
        }
        response.setExpectContent(false);
        ctx.write(HttpContent.builder(response).content(Buffers.EMPTY_BUFFER).last(true).build());
        ctx.notifyDownstream(HttpServerFilter.RESPONSE_COMPLETE_EVENT);
    }

    /**
     * Writes the last message (if any) and then the trailers.
     *
     * @param lastMessage a complete gRPC frame, or {@code null} for none
     * @param original the completion handler of the application's last write, told when
     *     the trailers are written
     * @param ownResponse true when no application produced this response, so nobody else
     *     will send the {@code ResponseCompleteEvent}: it is sent once the trailers are queued
     */
    NextAction finish(FilterChainContext ctx, Buffer lastMessage, GrpcStatus status, String message,
            CompletionHandler<WriteResult> original, boolean ownResponse) {
        synchronized (this) {
            lastWriteSeen = true;
        }
        FilterChainContext trailerWriter = ctx.copy();
        Runnable trailers = () -> {
            HttpTrailer.Builder trailer = HttpTrailer.builder(response).content(Buffers.EMPTY_BUFFER).last(true)
                    .header("grpc-status", status.wireValue());
            if (message != null) {
                trailer.header("grpc-message", GrpcMessageText.percentEncode(message));
            }
            trailerWriter.write(trailer.build(), original);
            trailersQueued(trailerWriter, ownResponse);
        };
        if (lastMessage == null) {
            if (!response.isCommitted()) {
                ctx.write(response);
            }
            trailers.run();
        } else {
            ctx.write(null, HttpContent.builder(response).content(lastMessage).last(false).build(),
                    new CompletionHandler<>() {
                        // The stream failed before the trailers could go (the client
                        // reset it): nothing more can be sent, release the event.
                        @Override
                        public void cancelled() {
                            trailersQueued(trailerWriter, ownResponse);
                        }

                        @Override
                        public void failed(Throwable throwable) {
                            trailersQueued(trailerWriter, ownResponse);
                            if (original != null) {
                                original.failed(throwable);
                            }
                        }

                        @Override
                        public void completed(WriteResult result) {
                            trailers.run();
                        }

                        @Override
                        public void updated(WriteResult result) {
                        }
                    }, ctx.getTransportContext().getMessageCloner());
        }
        return ctx.getStopAction();
    }

    /**
     * Lets the {@code ResponseCompleteEvent} pass unless the trailers of a finished
     * response are still waiting for its data to flush; then holds it until they are queued.
     */
    NextAction onResponseComplete(FilterChainContext ctx) {
        synchronized (this) {
            if (!lastWriteSeen || trailersQueued) {
                return ctx.getInvokeAction();
            }
            heldCompleteEvent = ctx;
            NextAction suspend = ctx.getSuspendAction();
            ctx.suspend();
            return suspend;
        }
    }

    private void trailersQueued(FilterChainContext trailerWriter, boolean ownResponse) {
        FilterChainContext held;
        synchronized (this) {
            trailersQueued = true;
            held = heldCompleteEvent;
            heldCompleteEvent = null;
        }
        if (ownResponse) {
            trailerWriter.notifyDownstream(HttpServerFilter.RESPONSE_COMPLETE_EVENT);
        }
        if (held != null) {
            held.resumeNext();
        }
    }
}
