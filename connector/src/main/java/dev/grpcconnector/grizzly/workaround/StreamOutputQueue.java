package dev.grpcconnector.grizzly.workaround;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.asyncqueue.TaskQueue;
import org.glassfish.grizzly.http2.Http2Stream;

/**
 * Waits until a Grizzly HTTP/2 stream's output queue is empty, so that its trailers can be
 * written without being sent twice (docs/upstream/grizzly-http2-defects.md, defect 6).
 *
 * <p>The defect: {@code DefaultOutputSink.onPeerWindowUpdate}, on the connection's reading
 * thread, sends a queued data record <em>before</em> it releases the record's bytes from
 * the stream's output queue. The write's completion handler can run in between, so a
 * writer waiting for it (see {@link GrpcResponder}) writes the trailers while the queue
 * still counts those bytes. {@code DefaultOutputSink} then both queues the trailer record
 * and sends the trailers at once, and the reading thread, going on with its loop, finds
 * the queued trailer record and sends the trailers a second time: a HEADERS frame after
 * END_STREAM, which RFC 9113 §5.1 makes a connection error for a strict peer.
 *
 * <p>Once every write of the call has completed, the only thing left in the queue is that
 * not-yet-released count, which the reading thread releases microseconds later. Grizzly
 * exposes the queue size through no public API (its {@code getUnflushedWritesCount} is
 * decremented before the completion handlers run), so this class reads the private fields
 * {@code Http2Stream.outputSink} and {@code DefaultOutputSink.outputQueue} of Grizzly 5.0.0.
 * If a Grizzly version lacks them, it logs that once and does not wait: trailers then go
 * out as they did before the workaround, mostly once.
 */
public final class StreamOutputQueue {
    private static final Logger LOG = Logger.getLogger(StreamOutputQueue.class.getName());
    private static final Field OUTPUT_SINK;
    private static final Field OUTPUT_QUEUE;

    static {
        Field sink = null;
        Field queue = null;
        try {
            sink = Http2Stream.class.getDeclaredField("outputSink");
            sink.setAccessible(true);
            Class<?> defaultSink = Class.forName("org.glassfish.grizzly.http2.DefaultOutputSink", false,
                    Http2Stream.class.getClassLoader());
            queue = defaultSink.getDeclaredField("outputQueue");
            queue.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.WARNING, "This Grizzly has no Http2Stream.outputSink/DefaultOutputSink.outputQueue ({0}): "
                    + "trailers are written without waiting for the stream's output queue to drain", e.toString());
            sink = null;
            queue = null;
        }
        OUTPUT_SINK = sink;
        OUTPUT_QUEUE = queue;
    }

    private StreamOutputQueue() {
    }

    /** Whether this Grizzly's queue can be read at all. */
    static boolean isReadable() {
        return OUTPUT_QUEUE != null;
    }

    /**
     * Returns once the stream's output queue is empty, or after {@code timeoutNanos}, or at
     * once when the queue cannot be read. Spins briefly, then parks in short steps.
     *
     * @return false only when the queue was still not empty at the timeout
     */
    public static boolean awaitEmpty(Http2Stream stream, long timeoutNanos) {
        TaskQueue<?> queue = queueOf(stream);
        if (queue == null) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        for (int spins = 0; queue.size() > 0; spins++) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(20));
            }
        }
        return true;
    }

    private static TaskQueue<?> queueOf(Http2Stream stream) {
        if (OUTPUT_QUEUE == null || stream == null) {
            return null;
        }
        try {
            Object sink = OUTPUT_SINK.get(stream);
            return OUTPUT_QUEUE.getDeclaringClass().isInstance(sink) ? (TaskQueue<?>) OUTPUT_QUEUE.get(sink) : null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("accessible since class initialisation", e);
        }
    }
}
