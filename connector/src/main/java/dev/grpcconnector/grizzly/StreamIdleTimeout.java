package dev.grpcconnector.grizzly;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Ends a gRPC call on which no byte moved, in either direction, for a configured time
 * ({@code grpc-connector-stream-idle-timeout-seconds}, docs/configuration.md): a slow
 * upload that never finishes, a download whose reader never opens its window, an
 * application that never answers. A call that keeps moving is never ended, however long
 * it lasts.
 *
 * <p>What counts as a moved byte (the call reports it with {@link #touch}): request DATA
 * arriving, the application writing response bytes, a response write completing, and the
 * client's {@code WINDOW_UPDATE} frames that let more of the response leave (for the
 * stream itself, or for the connection while the call waits for the connection's window).
 * PING, SETTINGS and other control frames do not count, so a client cannot keep a stalled
 * call alive with them.
 *
 * <p>Threads: {@link #touch} is a volatile write on whichever thread moved the bytes. The
 * check runs on the {@link Deadlines} timer thread once per timeout period while the call
 * is active; when it finds the call idle for the whole period it calls the expiry (once)
 * on that thread, which must only mark the call and write a few bytes.
 */
final class StreamIdleTimeout {
    private final long timeoutNanos;
    private final LongConsumer expiry;
    private volatile long lastActivity;
    private boolean stopped;
    private ScheduledFuture<?> check;

    private StreamIdleTimeout(long timeoutNanos, LongConsumer expiry) {
        this.timeoutNanos = timeoutNanos;
        this.expiry = expiry;
        this.lastActivity = System.nanoTime();
    }

    /**
     * Starts watching a call.
     *
     * @param expiry called with the idle time in milliseconds when the call has been idle
     *     for {@code timeoutNanos}
     */
    static StreamIdleTimeout start(long timeoutNanos, LongConsumer expiry) {
        StreamIdleTimeout timeout = new StreamIdleTimeout(timeoutNanos, expiry);
        timeout.schedule(timeoutNanos);
        return timeout;
    }

    /** Bytes of the call moved now. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** The call is over: the timeout no longer applies. */
    synchronized void stop() {
        stopped = true;
        if (check != null) {
            check.cancel(false);
        }
    }

    private synchronized void schedule(long delayNanos) {
        if (!stopped) {
            check = Deadlines.schedule(this::check, delayNanos);
        }
    }

    private void check() {
        long idle = System.nanoTime() - lastActivity;
        if (idle < timeoutNanos) {
            schedule(timeoutNanos - idle);
            return;
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        expiry.accept(TimeUnit.NANOSECONDS.toMillis(idle));
    }
}
