package dev.grpcconnector.grizzly.workaround;

import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.threadpool.Threads;

/**
 * Holds a response's trailers back until every data write of the response has completed:
 * the workaround for Grizzly 5.0.0 defects 2 and 3 (docs/upstream/grizzly-http2-defects.md).
 *
 * <p><b>The defects.</b> When trailers are written while data of the stream still waits
 * for the peer's flow-control window, {@code DefaultOutputSink} queues the trailer record
 * behind that data but also sends the trailers at once, so they overtake the data and the
 * client drops its tail after END_STREAM; in other interleavings the trailers never leave
 * and the stream hangs. Its own flush barrier ({@code FlushEvent}) does not fire in that
 * state either (defect 2). The trailers cannot be written later from a completion handler:
 * once the last write returns, GlassFish fires {@code ResponseCompleteEvent} (on which
 * {@code Http2ServerFilter} closes the stream, defect 3) and recycles the request and
 * response packets, which Grizzly then reuses for other streams.
 *
 * <p><b>The workaround.</b> Every data write of the response goes down with a completion
 * handler from {@link #tracked}, which counts it; the thread that finishes the response
 * calls {@link #awaitAllWritten} before it writes the trailers, still on that thread and
 * before the packets are recycled. {@link StreamOutputQueue} then covers defect 6, the last
 * microseconds after the completion handlers ran.
 *
 * <p>The waiting thread must never be a Grizzly selector thread, which reads the window
 * updates that release the wait: there {@link #awaitAllWritten} gives up at once when data
 * is in flight. A {@link #abandon cancelled} call stops the wait. With a stall limit, the
 * wait also gives up after that long without a completed write.
 */
public final class TrailersAfterData {
    private final Runnable progress;
    /** 0: wait as long as the call lives; else give up after this long without a completed write. */
    private final long stallNanos;
    private int writesInFlight;
    private boolean abandoned;

    /**
     * @param progress told each time one of the response's writes completes or makes progress
     * @param stallNanos 0 to wait without a limit of its own, else the longest wait without progress
     */
    public TrailersAfterData(Runnable progress, long stallNanos) {
        this.progress = progress;
        this.stallNanos = stallNanos;
    }

    /** The response's writer gave up (its call was cancelled): a thread waiting stops waiting. */
    public synchronized void abandon() {
        abandoned = true;
        notifyAll();
    }

    public synchronized boolean isAbandoned() {
        return abandoned;
    }

    /** Whether some of the response's data is still on its way to the client. */
    public synchronized boolean hasWritesInFlight() {
        return writesInFlight > 0;
    }

    /**
     * Blocks until every tracked write completed.
     *
     * @return true when every write completed; false on a selector thread, an interrupt, a
     *     stall past the limit or {@link #abandon}
     */
    public synchronized boolean awaitAllWritten() {
        if (writesInFlight > 0 && Threads.isService()) {
            return false;
        }
        try {
            long deadline = System.nanoTime() + stallNanos;
            while (writesInFlight > 0 && !abandoned) {
                if (stallNanos == 0) {
                    wait();
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                int before = writesInFlight;
                TimeUnit.NANOSECONDS.timedWait(this, left);
                if (writesInFlight < before) {
                    deadline = System.nanoTime() + stallNanos;
                }
            }
            return !abandoned;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Counts one more write in flight; the handler returned counts it done and then tells {@code original}. */
    public CompletionHandler<WriteResult> tracked(CompletionHandler<WriteResult> original) {
        synchronized (this) {
            writesInFlight++;
        }
        return new CompletionHandler<>() {
            @Override
            public void completed(WriteResult result) {
                if (original != null) {
                    original.completed(result);
                }
                writeDone();
            }

            // A failed write means the stream is gone (the client reset it or the
            // connection closed); the trailers will be refused, nothing waits longer.
            @Override
            public void failed(Throwable throwable) {
                if (original != null) {
                    original.failed(throwable);
                }
                writeDone();
            }

            @Override
            public void cancelled() {
                if (original != null) {
                    original.cancelled();
                }
                writeDone();
            }

            @Override
            public void updated(WriteResult result) {
                progress.run();
                if (original != null) {
                    original.updated(result);
                }
            }
        };
    }

    private synchronized void writeDone() {
        progress.run();
        writesInFlight--;
        if (writesInFlight == 0) {
            notifyAll();
        }
    }
}
