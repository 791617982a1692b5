package dev.grpcconnector.grizzly;

import dev.grpcconnector.grizzly.workaround.CallOutputSink;
import dev.grpcconnector.grizzly.frames.RawFrames;
import dev.grpcconnector.health.HealthService;
import dev.grpcconnector.logging.RefusalLog;
import dev.grpcconnector.logging.RequestId;
import dev.grpcconnector.memory.CallMemory;
import dev.grpcconnector.memory.MemoryBudget;
import dev.grpcconnector.translate.RequestTranslator;
import dev.grpcconnector.translate.ResponseTranslator;
import dev.grpcconnector.translate.ResponseTranslator.ResponseHead;
import dev.grpcconnector.wire.GrpcFrame;
import dev.grpcconnector.wire.GrpcFrameDecoder;
import dev.grpcconnector.wire.GrpcStatus;
import dev.grpcconnector.wire.GrpcStatusException;
import dev.grpcconnector.wire.GrpcTimeout;
import dev.grpcconnector.wire.HttpBodyMessage;
import dev.grpcconnector.wire.HttpBodyStreamDecoder;
import dev.grpcconnector.wire.MessageEncoding;
import dev.grpcconnector.wire.UnaryMessageBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CloseListener;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpBrokenContent;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http2.Http2Stream;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * One gRPC call on one HTTP/2 stream: decodes the request messages into the HTTP request
 * body on the way in, and frames the HTTP response as gRPC on the way out.
 *
 * <h2>Threads</h2>
 * Reads arrive two ways. Grizzly pushes DATA upstream on the thread that reads the
 * connection (a worker thread that serves every stream of that connection); when the
 * application reads with blocking I/O, it pulls data through the chain on its own thread
 * ({@code ctx.read()}, a blocking transport context). A pushed read that must go on to
 * the container is handed to the connector's application threads, so a slow application never
 * stalls the connection's other streams (Grizzly defect 4: the last DATA frame is
 * delivered on the reading thread). Grizzly delivers a stream's next DATA only after the
 * previous delivery finished, so the hand-off keeps the order.
 *
 * <h2>Memory</h2>
 * A unary call's decoder holds at most one message (bounded by the configured size
 * limit); a streaming call's holds only messages of up to 64 KiB and gzip-compressed
 * ones, and hands a larger message's data on as it arrives
 * ({@link HttpBodyStreamDecoder}). The unary response is collected, in one copy, until the application finishes (bounded by
 * its own limit); the streaming response is framed chunk by chunk, each chunk copied once
 * behind its prefix into a buffer of the connector's own (see {@link GrpcResponder}).
 * What the decoder, gzip decompression and the unary response hold is accounted with the
 * call's {@link CallMemory}, against the listener's budget; a refusal ends the call with
 * {@code RESOURCE_EXHAUSTED}. The account is closed on every way the call ends: response
 * complete, refused, cancelled (reset, deadline), or its connection closed.
 */
final class HttpBodyCall {
    static final String ATTRIBUTE = HttpBodyCall.class.getName();

    /** What the call is, from its gRPC path. */
    enum Kind {
        HANDLE, STREAM, HEALTH_CHECK, UNIMPLEMENTED
    }

    private final Kind kind;
    private final HttpRequestPacket request;
    private final String grpcPath;
    private final String encoding;
    private final GrpcFrameDecoder decoder;
    private final HttpBodyStreamDecoder streamDecoder;
    private final int maxMessageBytes;
    private final RequestTranslator translator;
    private final HealthService health;
    private final Executor applicationThreads;
    private final GrpcResponder responder;
    private final RefusalLog refusals;
    private final StreamIdleTimeout idle;
    private final CallsPerConnection.Slot slot;
    private final CallMemory callMemory;
    private final CloseListener<?, ?> connectionClosed;

    private final List<GrpcFrame> unaryRequest = new ArrayList<>(1);
    private final Connection<?> connection;
    private final Http2Stream stream;
    private final String timeout;
    /** For the call's log lines ({@link RequestId}). */
    private final String requestId;
    private boolean started;
    private volatile long deadlineMillis;
    private boolean dispatched;
    private volatile boolean closed;
    private volatile GrpcStatusException inputError;

    // Shared with the deadline timer thread; guarded by this.
    private ScheduledFuture<?> deadline;
    private boolean ended;
    private boolean cancelled;
    private boolean over;
    private CallOutputSink output;

    private ResponseHead head;
    private boolean firstMessageSent;
    private UnaryMessageBuilder unaryResponse;

    /**
     * @param idleTimeoutNanos see {@link StreamIdleTimeout}
     * @param slot the call's place among its connection's calls in flight, given back when it is over
     */
    HttpBodyCall(Kind kind, HttpRequestPacket request, int maxMessageBytes, RequestTranslator translator,
            HealthService health, Executor applicationThreads, RefusalLog refusals, CallMemory callMemory,
            long idleTimeoutNanos, CallsPerConnection.Slot slot) {
        this.applicationThreads = applicationThreads;
        this.refusals = refusals;
        this.callMemory = callMemory;
        this.kind = kind;
        this.request = request;
        this.grpcPath = request.getRequestURI();
        // Read now: translating the request removes the gRPC metadata from its headers.
        this.encoding = request.getHeader("grpc-encoding");
        this.timeout = request.getHeader("grpc-timeout");
        this.requestId = RequestId.suffix(request);
        this.connection = request.getConnection();
        this.stream = Http2Stream.getStreamFor(request);
        this.decoder = new GrpcFrameDecoder(maxMessageBytes, callMemory);
        this.streamDecoder = new HttpBodyStreamDecoder(maxMessageBytes, callMemory,
                (int) MemoryBudget.CALL_ALLOWANCE_BYTES, encoding);
        this.maxMessageBytes = maxMessageBytes;
        this.translator = translator;
        this.health = health;
        this.slot = slot;
        this.idle = StreamIdleTimeout.start(idleTimeoutNanos, this::idleExpired);
        this.responder = new GrpcResponder(request.getResponse(), refusals, idle::touch);
        slot.attach(this);
        this.connectionClosed = (closeable, type) -> callMemory.close();
        connection.addCloseListener(connectionClosed);
    }

    // ---------------------------------------------------------------- request side

    NextAction onRead(FilterChainContext ctx, HttpContent content) {
        idle.touch();
        if (closed) {
            if (!HttpContent.isBroken(content)) { // a broken content's getContent() throws
                content.getContent().tryDispose();
            }
            if (dispatched) {
                // Every further read of the application fails, with the reason.
                GrpcStatusException reason = inputError;
                return pass(ctx, HttpBrokenContent.builder(request)
                        .error(new IOException(reason == null ? "gRPC call ended" : reason.getMessage())).build());
            }
            return ctx.getStopAction();
        }
        if (HttpContent.isBroken(content)) {
            releaseMemory();
            if (dispatched) {
                return pass(ctx, content);
            }
            closed = true;
            return ctx.getStopAction();
        }
        if (kind == Kind.UNIMPLEMENTED) {
            return reject(ctx, new GrpcStatusException(GrpcStatus.UNIMPLEMENTED, "method " + grpcPath + " is not implemented"));
        }
        List<GrpcFrame> frames = new ArrayList<>(1);
        List<HttpBodyMessage> pieces = List.of();
        try {
            if (!started) {
                started = true;
                MessageEncoding.check(encoding);
                startDeadline();
            }
            Buffer bytes = content.getContent();
            if (kind == Kind.STREAM) {
                pieces = streamDecoder.decode(bytes.toByteBuffer());
            } else {
                for (GrpcFrame frame : decoder.decode(bytes.toByteBuffer())) {
                    frames.add(MessageEncoding.decode(frame, encoding, maxMessageBytes, callMemory));
                }
            }
            bytes.tryDispose();
            if (content.isLast() && (kind == Kind.STREAM ? streamDecoder.isInsideMessage() : decoder.isInsideMessage())) {
                throw new GrpcStatusException(GrpcStatus.INTERNAL, "request ended inside a gRPC message");
            }
        } catch (GrpcStatusException e) {
            return reject(ctx, e);
        }
        return switch (kind) {
            case HANDLE, HEALTH_CHECK -> onUnaryRead(ctx, frames, content.isLast());
            case STREAM -> onStreamRead(ctx, pieces, content.isLast());
            case UNIMPLEMENTED -> throw new IllegalStateException("answered above");
        };
    }

    private NextAction onUnaryRead(FilterChainContext ctx, List<GrpcFrame> frames, boolean last) {
        unaryRequest.addAll(frames);
        if (unaryRequest.size() > 1) {
            return reject(ctx, new GrpcStatusException(GrpcStatus.INTERNAL, "more than one request message for a unary call"));
        }
        if (!last) {
            return ctx.getStopAction();
        }
        if (unaryRequest.isEmpty()) {
            return reject(ctx, new GrpcStatusException(GrpcStatus.INTERNAL, "half-closed without a request message"));
        }
        GrpcFrame frame = unaryRequest.remove(0);
        try {
            if (kind == Kind.HEALTH_CHECK) {
                byte[] answer = health.check(frame);
                closed = true;
                releaseMemory();
                return onWorker(ctx, () -> {
                    HttpResponsePacket response = request.getResponse();
                    response.setStatus(200);
                    response.setContentType(ResponseTranslator.grpcContentType());
                    responder.finish(ctx, Buffers.wrap(memory(ctx), answer), GrpcStatus.OK, null, null, true);
                    over();
                    ctx.resume(ctx.getStopAction());
                });
            }
            HttpBodyMessage body = HttpBodyMessage.decode(frame);
            return dispatch(ctx, body.contentType(), List.of(body), body.dataLength(), true);
        } catch (GrpcStatusException e) {
            return reject(ctx, e);
        }
    }

    /**
     * @param messages the request body's pieces that arrived, each a whole message or a
     *     part of a large one's data ({@link HttpBodyStreamDecoder})
     */
    private NextAction onStreamRead(FilterChainContext ctx, List<HttpBodyMessage> messages, boolean last) {
        try {
            if (!dispatched) {
                if (messages.isEmpty()) {
                    if (last) {
                        throw new GrpcStatusException(GrpcStatus.INTERNAL, "half-closed without a request message");
                    }
                    return ctx.getStopAction();
                }
                // When the whole body came with the first delivery its length is known, as
                // the browser's Content-Length was (Envoy removes that header).
                long length = last ? messages.stream().mapToLong(HttpBodyMessage::dataLength).sum() : -1;
                return dispatch(ctx, messages.get(0).contentType(), messages, length, last);
            }
        } catch (GrpcStatusException e) {
            return reject(ctx, e);
        }
        Buffer data = concatenate(memory(ctx), messages);
        if (!data.hasRemaining() && !last) {
            return ctx.getStopAction();
        }
        return pass(ctx, HttpContent.builder(request).content(data).last(last).build());
    }

    private NextAction dispatch(FilterChainContext ctx, String contentType, List<HttpBodyMessage> messages,
            long contentLength, boolean last) throws GrpcStatusException {
        translator.translate(request, contentType, contentLength);
        synchronized (this) {
            output = CallOutputSink.install(ctx, request);
        }
        dispatched = true;
        return pass(ctx, HttpContent.builder(request).content(concatenate(memory(ctx), messages)).last(last).build());
    }

    /** Sends {@code content} on to the container, off the connection's reading thread. */
    private NextAction pass(FilterChainContext ctx, HttpContent content) {
        ctx.setMessage(content);
        if (ctx.getTransportContext().isBlocking()) {
            return ctx.getInvokeAction();
        }
        return onWorker(ctx, ctx::resumeNext);
    }

    /**
     * Suspends {@code ctx} and runs {@code work} on the application threads, which must
     * resume or finish the context. Grizzly delivers the stream's next DATA only once this
     * read event is complete, so the order of a stream's reads is kept.
     */
    private NextAction onWorker(FilterChainContext ctx, Runnable work) {
        NextAction suspend = ctx.getSuspendAction();
        ctx.suspend();
        slot.enter();
        applicationThreads.execute(() -> {
            try {
                work.run();
            } finally {
                slot.exit();
            }
        });
        return suspend;
    }

    /**
     * Refuses the call: a trailers-only status while the application has not seen the
     * request; afterwards the application's read fails and the trailers carry the status.
     */
    private NextAction reject(FilterChainContext ctx, GrpcStatusException error) {
        refusals.refused(Level.INFO, "call failed with " + error.status(), "gRPC call " + grpcPath + " on stream "
                + request.getProtocolRequestId() + " from " + ctx.getConnection().getPeerAddress() + requestId + ": "
                + error.getMessage());
        if (!dispatched) {
            end();
        }
        closed = true;
        releaseMemory();
        if (!dispatched) {
            GrpcResponder.trailersOnly(ctx, request, error.status(), error.getMessage(),
                    error.status() == GrpcStatus.UNIMPLEMENTED
                            ? new String[] {"grpc-accept-encoding", MessageEncoding.ACCEPTED} : new String[0]);
            over();
            return ctx.getStopAction();
        }
        inputError = error;
        return pass(ctx, HttpBrokenContent.builder(request).error(new IOException(error.getMessage())).build());
    }

    /** Starts the {@code grpc-timeout} clock, if the client sent one. */
    private void startDeadline() throws GrpcStatusException {
        if (timeout == null || kind == Kind.HEALTH_CHECK) {
            return;
        }
        long nanos = GrpcTimeout.parseNanos(timeout);
        deadlineMillis = TimeUnit.NANOSECONDS.toMillis(nanos);
        synchronized (this) {
            if (!ended) {
                deadline = Deadlines.schedule(this::deadlineExpired, nanos);
            }
        }
    }

    /** The response is complete or the call was answered: the deadline no longer applies. */
    private synchronized void end() {
        ended = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /**
     * Runs on the timer thread when the deadline passes before the response is complete.
     * The stream is terminated inside Grizzly first, so from now on the application's
     * reads and writes fail ("cancelled in the container"); then the client is told:
     * {@code DEADLINE_EXCEEDED} as a trailers-only response when no response header has
     * gone out yet, else RST_STREAM(CANCEL).
     */
    private void deadlineExpired() {
        expire("call cancelled: DEADLINE_EXCEEDED", "deadline of " + deadlineMillis + " ms exceeded", false);
    }

    /**
     * Runs on the timer thread when no byte of the call moved for the idle timeout
     * ({@link StreamIdleTimeout}); unlike the deadline it also ends a call whose
     * application has finished but whose response does not leave. It ends the call as
     * the deadline does, with the same status: a time limit passed before the call could
     * complete.
     */
    private void idleExpired(long idleMillis) {
        expire("call cancelled: DEADLINE_EXCEEDED (stream idle timeout)",
                "no bytes moved on the call for " + idleMillis + " ms (the connector's stream idle timeout)", true);
    }

    /**
     * @param logReason the fixed reason of the log line ({@link RefusalLog})
     * @param afterLastWrite also when the application has written the end of its response
     */
    private void expire(String logReason, String reason, boolean afterLastWrite) {
        boolean headerSent;
        synchronized (this) {
            if (cancelled || over || (ended && !afterLastWrite)) {
                return;
            }
            ended = true;
            cancelled = true;
            headerSent = head != null;
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
        refusals.refused(Level.INFO, logReason, "gRPC call " + grpcPath + " on stream " + stream.getId() + " from "
                + connection.getPeerAddress() + requestId + ": " + reason + ", cancelling the request");
        cancelInContainer(new GrpcStatusException(GrpcStatus.DEADLINE_EXCEEDED, reason));
        stream.terminateWithReason(new IOException("gRPC " + reason));
        byte[] frame = headerSent ? RawFrames.rstStream(stream.getId(), RawFrames.CANCEL)
                : RawFrames.trailersOnly(stream.getId(), GrpcStatus.DEADLINE_EXCEEDED, reason);
        connection.write(Buffers.wrap(connection.getMemoryManager(), frame));
        over();
    }

    /**
     * Runs on the connection's reading thread when the client resets the stream
     * ({@link ClientResetFilter}), just before Grizzly handles the reset. A call whose
     * response is complete is left alone; otherwise the call is cancelled in the
     * container: its reads and writes fail from now on, and a write waiting for window
     * fails at once, which frees the application's thread.
     */
    void clientCancelled() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            cancelled = true;
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
        refusals.refused(Level.INFO, "call cancelled by the client (RST_STREAM)", "gRPC call " + grpcPath + " on stream "
                + stream.getId() + " from " + connection.getPeerAddress() + requestId);
        cancelInContainer(new GrpcStatusException(GrpcStatus.CANCELLED, "gRPC call cancelled by the client"));
        over();
    }

    /** The client opened this stream's window: the response may move ({@link PeerWindowFilter}). */
    void streamWindowOpened() {
        idle.touch();
    }

    /**
     * The client opened the connection's window: the response moves if it waits for that
     * window, i.e. it has bytes waiting and its own stream window is open.
     */
    void connectionWindowOpened() {
        CallOutputSink sink;
        synchronized (this) {
            sink = output;
        }
        if ((responder.hasWritesInFlight() || (sink != null && sink.hasWaiters())) && stream.getPeerWindowSize() > 0) {
            idle.touch();
        }
    }

    /**
     * The call is answered, refused or cancelled: the idle timeout stops, and its place
     * among the connection's calls is given back once no application thread runs it.
     */
    private void over() {
        synchronized (this) {
            over = true;
        }
        idle.stop();
        slot.over();
    }

    /** Makes the application's further reads and writes fail with {@code reason}. */
    private void cancelInContainer(GrpcStatusException reason) {
        inputError = reason;
        closed = true;
        releaseMemory();
        CallOutputSink sink;
        synchronized (this) {
            sink = output;
        }
        if (sink != null) {
            sink.cancel(new IOException(reason.getMessage()));
        }
        responder.abandon();
    }

    /** The call holds no more memory: its account goes back to the listener's budget. */
    private void releaseMemory() {
        callMemory.close();
        connection.removeCloseListener(connectionClosed);
    }

    private static Buffer concatenate(MemoryManager memory, List<HttpBodyMessage> messages) {
        Buffer result = Buffers.EMPTY_BUFFER;
        for (HttpBodyMessage message : messages) {
            if (message.dataLength() > 0) {
                result = Buffers.appendBuffers(memory, result,
                        Buffers.wrap(memory, message.data(), message.dataOffset(), message.dataLength()));
            }
        }
        return result;
    }

    // --------------------------------------------------------------- response side

    NextAction onWrite(FilterChainContext ctx, HttpPacket packet) {
        idle.touch();
        HttpResponsePacket response = (HttpResponsePacket) packet.getHttpHeader();
        CompletionHandler<WriteResult> original = ctx.getTransportContext().getCompletionHandler();
        if (response.isAcknowledgement()) {
            // 100-continue: Envoy answers it itself (contract fact 26); nothing to send.
            completed(original, ctx);
            return ctx.getStopAction();
        }
        HttpContent content = HttpContent.isContent(packet) ? (HttpContent) packet : null;
        boolean last = content != null && content.isLast();
        synchronized (this) {
            if (cancelled) {
                if (content != null) {
                    content.getContent().tryDispose();
                }
                if (original != null) {
                    original.failed(new IOException(inputError.getMessage()));
                }
                return ctx.getStopAction();
            }
            if (head == null) {
                head = ResponseTranslator.translate(response);
            }
        }
        if (last) {
            end();
        }
        boolean body = head.hasBody(request.getMethod() == Method.HEAD);
        Buffer bytes = content == null || !body ? Buffers.EMPTY_BUFFER : content.getContent();
        MemoryManager memory = memory(ctx);
        GrpcStatus status = inputError == null ? GrpcStatus.OK : inputError.status();
        String message = inputError == null ? null : inputError.getMessage();

        if (kind == Kind.HANDLE) {
            try {
                if (unaryResponse == null) {
                    unaryResponse = new UnaryMessageBuilder(head.contentType(), callMemory.maxUnaryResponseBytes(), callMemory);
                }
                if (bytes.hasRemaining()) {
                    unaryResponse.append(bytes.toByteBuffer());
                }
            } catch (GrpcStatusException e) {
                bytes.tryDispose();
                return refuseResponse(ctx, e, original);
            }
            if (!last) {
                completed(original, ctx);
                return ctx.getStopAction();
            }
            // A unary call carries exactly one response message, so a response without a
            // body (HEAD, 204, 304) still gets one: its content type and no data.
            return finish(ctx, Buffers.wrap(memory, unaryResponse.build()), status, message, original);
        }

        // A bodyless response (HEAD, 204, 304) still sends one message with the type and
        // no data when it has a type: Envoy takes the browser's Content-Type from the
        // first non-empty message and gives application/json without one (contract fact 10).
        Buffer frame = null;
        boolean typeOnly = !body && !head.contentType().isEmpty();
        if ((body && bytes.hasRemaining()) || (!firstMessageSent && (body || typeOnly))) {
            frame = frame(memory, firstMessageSent ? "" : head.contentType(), bytes);
            firstMessageSent = true;
        }
        if (last) {
            return finish(ctx, frame, status, message, original);
        }
        if (frame == null) {
            if (response.isCommitted()) {
                completed(original, ctx);
                return ctx.getStopAction();
            }
            ctx.setMessage(response);
            return ctx.getInvokeAction();
        }
        return responder.send(ctx, frame);
    }

    private NextAction finish(FilterChainContext ctx, Buffer lastMessage, GrpcStatus status, String message,
            CompletionHandler<WriteResult> original) {
        NextAction next = responder.finish(ctx, lastMessage, status, message, original, false);
        releaseMemory();
        over();
        return next;
    }

    /**
     * The unary response cannot be collected (over its limit, or its memory refused): the
     * application's write fails, as do its further writes, and the client gets
     * {@code error} as a trailers-only response (nothing of a unary response has been sent
     * yet), written as on a deadline.
     */
    private NextAction refuseResponse(FilterChainContext ctx, GrpcStatusException error,
            CompletionHandler<WriteResult> original) {
        synchronized (this) {
            ended = true;
            cancelled = true;
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
        refusals.refused(Level.INFO, "response refused with " + error.status(), "gRPC call " + grpcPath + " on stream "
                + stream.getId() + " from " + connection.getPeerAddress() + requestId + ": " + error.getMessage());
        cancelInContainer(error);
        stream.terminateWithReason(new IOException("gRPC response refused: " + error.getMessage()));
        connection.write(Buffers.wrap(connection.getMemoryManager(),
                RawFrames.trailersOnly(stream.getId(), error.status(), error.getMessage())));
        if (original != null) {
            original.failed(new IOException(error.getMessage()));
        }
        over();
        return ctx.getStopAction();
    }

    /** One gRPC message: prefix and HttpBody fields, then the data bytes, in one heap buffer. */
    private static Buffer frame(MemoryManager memory, String contentType, Buffer data) {
        byte[] header = HttpBodyMessage.frameHeader(contentType.getBytes(StandardCharsets.UTF_8), data.remaining());
        byte[] frame = new byte[header.length + data.remaining()];
        System.arraycopy(header, 0, frame, 0, header.length);
        data.get(frame, header.length, data.remaining());
        return Buffers.wrap(memory, frame);
    }

    private static void completed(CompletionHandler<WriteResult> handler, FilterChainContext ctx) {
        if (handler != null) {
            handler.completed(WriteResult.create(ctx.getConnection()));
        }
    }

    private static MemoryManager memory(FilterChainContext ctx) {
        return ctx.getMemoryManager();
    }
}
