package dev.grpcconnector.grizzly.workaround;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.grizzly.OutputSink;
import org.glassfish.grizzly.WriteHandler;
import org.glassfish.grizzly.http.HttpContext;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.filterchain.FilterChainContext;

/**
 * The output sink the container writes a call's response to: the HTTP/2 stream's own, until
 * the call is cancelled (the client reset the stream, or its deadline passed); from then
 * on it refuses writes, so that the application learns it.
 *
 * <p>Why it exists: Grizzly 5.0.0 gives a blocking servlet write on a reset HTTP/2 stream
 * no error. The stream's {@code DefaultOutputSink} throws, but inside the filter chain,
 * which swallows the exception; the container's {@code OutputBuffer} writes without a
 * completion handler and only ever learns of a failure when it asks its sink whether it
 * may go on ({@code OutputBuffer.blockAfterWriteIfNeeded}, and
 * {@code ServletOutputStream.isReady} for non-blocking writes). So the application would
 * keep producing a response nobody reads, holding its thread. Through this sink, the
 * application's next write that reaches the connection after the cancellation fails with
 * an {@link IOException} (the container closes the response), a write that is waiting for
 * flow-control window fails at once, and a {@code WriteListener}'s {@code onError} fires.
 *
 * <p>It is installed as the stream's {@link HttpContext} before the request reaches the
 * container, which takes its output sink from there.
 */
public final class CallOutputSink implements OutputSink {
    private final OutputSink stream;
    private final List<Waiter> waiters = new ArrayList<>();
    private IOException cancelled;

    private CallOutputSink(OutputSink stream) {
        this.stream = stream;
    }

    /** Puts a cancellable sink in front of the stream's, for the container to write to. */
    public static CallOutputSink install(FilterChainContext ctx, HttpRequestPacket request) {
        HttpContext original = request.getProcessingState().getHttpContext();
        CallOutputSink sink = new CallOutputSink(original.getOutputSink());
        HttpContext context = HttpContext.newInstance(original.getContextStorage(), sink, original.getCloseable(), request);
        request.getProcessingState().setHttpContext(context);
        context.attach(ctx);
        return sink;
    }

    /** From now on writes fail with {@code reason}; writers waiting for window fail now. */
    public void cancel(IOException reason) {
        List<Waiter> waiting;
        synchronized (this) {
            if (cancelled != null) {
                return;
            }
            cancelled = reason;
            waiting = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter waiter : waiting) {
            waiter.onError(reason);
        }
    }

    @Override
    public boolean canWrite() {
        synchronized (this) {
            if (cancelled != null) {
                return false;
            }
        }
        return stream.canWrite();
    }

    @Override
    @Deprecated
    public boolean canWrite(int length) {
        return canWrite();
    }

    @Override
    public void notifyCanWrite(WriteHandler handler) {
        IOException reason;
        Waiter waiter = new Waiter(handler);
        synchronized (this) {
            reason = cancelled;
            if (reason == null) {
                waiters.add(waiter);
            }
        }
        if (reason != null) {
            waiter.onError(reason);
            return;
        }
        stream.notifyCanWrite(waiter);
    }

    @Override
    @Deprecated
    public void notifyCanWrite(WriteHandler handler, int length) {
        notifyCanWrite(handler);
    }

    /** Whether the container waits for window to write more of the response. */
    public synchronized boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    private synchronized void remove(Waiter waiter) {
        waiters.remove(waiter);
    }

    /** The container's handler, called at most once: by the stream, or by a cancellation. */
    private final class Waiter implements WriteHandler {
        private final WriteHandler handler;
        private final AtomicBoolean done = new AtomicBoolean();

        Waiter(WriteHandler handler) {
            this.handler = handler;
        }

        @Override
        public void onWritePossible() throws Exception {
            if (done.compareAndSet(false, true)) {
                remove(this);
                handler.onWritePossible();
            }
        }

        @Override
        public void onError(Throwable error) {
            if (done.compareAndSet(false, true)) {
                remove(this);
                handler.onError(error);
            }
        }
    }
}
