package dev.grpcconnector.grizzly;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread that expires {@code grpc-timeout} deadlines for every call. Its
 * tasks only mark a call and write a few bytes, so one daemon thread is enough.
 */
final class Deadlines {
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "grpc-connector-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private Deadlines() {
    }

    static ScheduledFuture<?> schedule(Runnable expiry, long nanos) {
        return TIMER.schedule(expiry, nanos, TimeUnit.NANOSECONDS);
    }
}
