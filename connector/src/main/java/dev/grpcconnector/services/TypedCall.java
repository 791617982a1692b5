package dev.grpcconnector.services;

import dev.grpcconnector.grizzly.workaround.ClientResetFilter;
import dev.grpcconnector.grizzly.GrpcResponder;
import dev.grpcconnector.logging.RefusalLog;
import dev.grpcconnector.logging.RequestId;
import dev.grpcconnector.services.api.CallHandler;
import dev.grpcconnector.services.api.CallSink;
import dev.grpcconnector.services.api.CallSource;
import dev.grpcconnector.services.api.Metadata;
import dev.grpcconnector.translate.ResponseTranslator;
import dev.grpcconnector.wire.GrpcFrame;
import dev.grpcconnector.wire.GrpcFrameDecoder;
import dev.grpcconnector.wire.GrpcStatus;
import dev.grpcconnector.wire.GrpcStatusException;
import dev.grpcconnector.wire.GrpcTimeout;
import dev.grpcconnector.wire.MessageEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.util.MimeHeaders;
import org.glassfish.grizzly.memory.Buffers;

/**
 * One call of a typed gRPC service on one HTTP/2 stream: request messages from the
 * stream's DATA go to the application's {@link CallSource}; what the application sends to
 * this {@link CallSink} is written as response headers, messages and trailers.
 *
 * <h2>Threads</h2>
 * Grizzly delivers the stream's events (its HEADERS, then its DATA) on the thread that
 * reads the connection. Each delivery is decoded there, suspended, and handed to the
 * call's {@link SerialExecutor} on the connector's application threads, which runs
 * everything the call does with the application — start, messages, half-close, cancel,
 * and every write — one event at a time, in order. The application calls the sink from
 * any thread; the sink only queues events. Nothing waits on a connection's reading thread.
 *
 * <h2>Flow control</h2>
 * <ul>
 * <li><b>Request.</b> A delivery's read event is completed only when the application can
 *     take more ({@link CallSource#isReady}, else at its {@link #onReady}). Grizzly
 *     delivers a stream's next DATA, and credits the client's stream window for it, only
 *     after the previous read event completed, so a slow service holds the client back
 *     with HTTP/2 flow control and the connector holds at most one delivery per call.</li>
 * <li><b>Response.</b> The application gets one message of credit
 *     ({@link CallSource#request}) at a time, renewed when the previous message has been
 *     handed to the connection, which happens as the client's window allows: a slow
 *     client makes {@code isReady()} false on the service's side, as in grpc-java.</li>
 * </ul>
 *
 * <h2>End</h2>
 * The trailers go out through {@link GrpcResponder#finish}, after every message has left
 * (Grizzly defects 2, 3 and 6); a call that never sent headers is answered trailers-only.
 * A client's RST_STREAM ({@link ClientResetFilter#RESET_LISTENER}) or a failed write
 * cancels the call in the application ({@link CallSource#cancel}); the deadline is the
 * application's grpc-java's to enforce (it gets the remaining {@code grpc-timeout}).
 */
final class TypedCall implements CallSink {
    static final String ATTRIBUTE = TypedCall.class.getName();
    private static final Logger LOG = Logger.getLogger(TypedCall.class.getName());

    /** Request headers that belong to HTTP/2 or gRPC itself, not to the call's metadata. */
    private static final Set<String> TRANSPORT_HEADERS = Set.of("te", "content-type", "content-length", "host",
            "connection", "transfer-encoding", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding");
    /** Names an application's metadata may not set: the connector writes them. */
    private static final Set<String> RESERVED_RESPONSE_NAMES = Set.of("content-type", "content-length", "te",
            "connection", "transfer-encoding", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding",
            "grpc-timeout");

    private final HttpRequestPacket request;
    private final String fullMethodName;
    private final CallHandler handler;
    private final GrpcFrameDecoder decoder;
    private final int maxMessageBytes;
    private final String encoding;
    private final String timeout;
    private final long receivedNanos = System.nanoTime();
    private final Metadata headers;
    private final SerialExecutor events;
    private final GrpcResponder responder;

    // The connection's reading thread (one delivery at a time).
    private FilterChainContext writer;
    private boolean inputEnded;

    // The call's events (SerialExecutor); done is also read by the reading thread.
    private CallSource source;
    private boolean headersSent;
    private volatile boolean done;
    private FilterChainContext pendingRead;

    private final RefusalLog refusals;

    TypedCall(HttpRequestPacket request, CallHandler handler, int maxMessageBytes, Executor applicationThreads,
            RefusalLog refusals) {
        this.refusals = refusals;
        this.request = request;
        this.fullMethodName = request.getRequestURI().substring(1);
        this.handler = handler;
        this.maxMessageBytes = maxMessageBytes;
        this.decoder = new GrpcFrameDecoder(maxMessageBytes);
        this.encoding = request.getHeader("grpc-encoding");
        this.timeout = request.getHeader("grpc-timeout");
        this.headers = metadataOf(request.getHeaders());
        this.events = new SerialExecutor(applicationThreads);
        this.responder = new GrpcResponder(request.getResponse(), refusals);
    }

    // ---------------------------------------------------------------- request side

    NextAction onRead(FilterChainContext ctx, HttpContent content) {
        boolean first = writer == null;
        if (first) {
            // A template for this call's writes: the read contexts are recycled once complete.
            writer = ctx.copy();
            request.setAttribute(ClientResetFilter.RESET_LISTENER, (Runnable) this::clientReset);
        }
        if (HttpContent.isBroken(content)) {
            events.execute(() -> cancel("the client's stream failed"));
            return ctx.getStopAction();
        }
        Buffer bytes = content.getContent();
        if (done || inputEnded) {
            bytes.tryDispose();
            return ctx.getStopAction();
        }
        boolean last = content.isLast();
        List<byte[]> messages = new ArrayList<>(1);
        try {
            if (first) {
                MessageEncoding.check(encoding);
            }
            for (GrpcFrame frame : decoder.decode(bytes.toByteBuffer())) {
                messages.add(bytesOf(MessageEncoding.decode(frame, encoding, maxMessageBytes)));
            }
            if (last && decoder.isInsideMessage()) {
                throw new GrpcStatusException(GrpcStatus.INTERNAL, "request ended inside a gRPC message");
            }
        } catch (GrpcStatusException e) {
            inputEnded = true;
            bytes.tryDispose();
            events.execute(() -> fail(e));
            return ctx.getStopAction();
        }
        bytes.tryDispose();
        inputEnded = last;
        if (!first && !last && messages.isEmpty()) {
            return ctx.getStopAction();
        }
        NextAction suspend = ctx.getSuspendAction();
        ctx.suspend();
        events.execute(() -> deliver(ctx, first, messages, last));
        return suspend;
    }

    private void deliver(FilterChainContext read, boolean first, List<byte[]> messages, boolean last) {
        if (first && !start()) {
            complete(read);
            return;
        }
        if (!done) {
            for (byte[] message : messages) {
                source.message(message);
            }
            if (last) {
                source.halfClose();
            }
        }
        if (last || done || source.isReady()) {
            complete(read);
        } else {
            pendingRead = read;
        }
    }

    /** Starts the call in the application; false (and the call answered) when it could not. */
    private boolean start() {
        long timeoutNanos = -1;
        if (timeout != null) {
            try {
                timeoutNanos = Math.max(0, GrpcTimeout.parseNanos(timeout) - (System.nanoTime() - receivedNanos));
            } catch (GrpcStatusException e) {
                fail(e);
                return false;
            }
        }
        try {
            source = handler.start(fullMethodName, headers, timeoutNanos, this);
        } catch (RuntimeException e) {
            refusals.refused(Level.WARNING, "typed call failed: the application could not start it", "gRPC call "
                    + fullMethodName + RequestId.suffix(request) + ": " + e);
            fail(new GrpcStatusException(GrpcStatus.INTERNAL, "the service failed to start the call"));
            return false;
        }
        source.request(1);
        return true;
    }

    @Override
    public void onReady() {
        events.execute(() -> {
            if (pendingRead != null && (done || source.isReady())) {
                FilterChainContext read = pendingRead;
                pendingRead = null;
                complete(read);
            }
        });
    }

    /** Completes a suspended read event: Grizzly may deliver the stream's next DATA. */
    private static void complete(FilterChainContext read) {
        read.resume(read.getStopAction());
    }

    /** Runs on the connection's reading thread when the client resets the stream. */
    private void clientReset() {
        responder.abandon();
        events.execute(() -> cancel("the client cancelled the call"));
    }

    /** The client is gone: the application is told, nothing more is written. */
    private void cancel(String reason) {
        if (done) {
            return;
        }
        done = true;
        LOG.log(Level.FINE, "typed gRPC call {0} on stream {1}{2}: {3}", new Object[] {fullMethodName,
            request.getProtocolRequestId(), RequestId.suffix(request), reason});
        if (source != null) {
            source.cancel(reason);
        }
        releasePendingRead();
    }

    /** The connector refuses the call (bad input): the application's side, if started, is cancelled. */
    private void fail(GrpcStatusException error) {
        refusals.refused(Level.INFO, "typed call failed: " + error.status(), "gRPC call " + fullMethodName + " on stream "
                + request.getProtocolRequestId() + RequestId.suffix(request) + ": " + error.getMessage());
        if (source != null && !done) {
            source.cancel(error.getMessage());
        }
        String[] extra = error.status() == GrpcStatus.UNIMPLEMENTED
                ? new String[] {"grpc-accept-encoding", MessageEncoding.ACCEPTED} : new String[0];
        end(error.status().code(), error.getMessage(), extra);
    }

    private void releasePendingRead() {
        if (pendingRead != null) {
            FilterChainContext read = pendingRead;
            pendingRead = null;
            complete(read);
        }
    }

    // --------------------------------------------------------------- response side

    @Override
    public void headers(Metadata metadata) {
        events.execute(() -> sendHeaders(metadata));
    }

    private void sendHeaders(Metadata metadata) {
        if (done || headersSent) {
            return;
        }
        headersSent = true;
        HttpResponsePacket response = request.getResponse();
        response.setStatus(200);
        response.setContentType(ResponseTranslator.grpcContentType());
        for (Metadata.Entry entry : metadata.entries()) {
            if (isApplicationName(entry.name())) {
                response.addHeader(entry.name(), entry.value());
            }
        }
        writer.write(response);
    }

    @Override
    public void message(byte[] message) {
        events.execute(() -> sendMessage(message));
    }

    private void sendMessage(byte[] message) {
        if (done) {
            return;
        }
        sendHeaders(Metadata.EMPTY);
        byte[] frame = new byte[GrpcFrame.PREFIX_BYTES + message.length];
        GrpcFrame.writePrefix(frame, 0, message.length);
        System.arraycopy(message, 0, frame, GrpcFrame.PREFIX_BYTES, message.length);
        responder.write(writer, Buffers.wrap(writer.getMemoryManager(), frame), new EmptyCompletionHandler<WriteResult>() {
            @Override
            public void completed(WriteResult result) {
                events.execute(() -> {
                    if (!done) {
                        source.request(1);
                    }
                });
            }

            @Override
            public void failed(Throwable throwable) {
                events.execute(() -> cancel("writing the response failed: " + throwable));
            }
        });
    }

    @Override
    public void close(int statusCode, String description, Metadata trailers) {
        events.execute(() -> {
            List<String> extra = new ArrayList<>();
            for (Metadata.Entry entry : trailers.entries()) {
                if (isApplicationName(entry.name())) {
                    extra.add(entry.name());
                    extra.add(entry.value());
                }
            }
            end(statusCode, description, extra.toArray(String[]::new));
        });
    }

    /** Writes the end of the response: trailers after every message, or trailers-only. */
    private void end(int statusCode, String description, String... trailers) {
        if (done) {
            return;
        }
        done = true;
        if (headersSent) {
            responder.finish(writer, statusCode, description, trailers);
        } else {
            GrpcResponder.trailersOnly(writer, request, statusCode, description, trailers);
        }
        releasePendingRead();
    }

    // -------------------------------------------------------------------- helpers

    private static boolean isApplicationName(String name) {
        return !name.isEmpty() && name.charAt(0) != ':' && !RESERVED_RESPONSE_NAMES.contains(name);
    }

    private static Metadata metadataOf(MimeHeaders mime) {
        List<Metadata.Entry> entries = new ArrayList<>(mime.size());
        for (int i = 0; i < mime.size(); i++) {
            String name = mime.getName(i).toString().toLowerCase(Locale.ROOT);
            if (!name.startsWith(":") && !TRANSPORT_HEADERS.contains(name)) {
                entries.add(new Metadata.Entry(name, mime.getValue(i).toString()));
            }
        }
        return new Metadata(entries);
    }

    private static byte[] bytesOf(GrpcFrame frame) {
        byte[] payload = frame.payload();
        if (frame.offset() == 0 && frame.length() == payload.length) {
            return payload;
        }
        return Arrays.copyOfRange(payload, frame.offset(), frame.offset() + frame.length());
    }
}
