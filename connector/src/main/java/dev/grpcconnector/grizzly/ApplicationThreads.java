package dev.grpcconnector.grizzly;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run the web container for the connector's calls, apart from the
 * listener's own worker pool, which is left to read connections.
 *
 * <p>Why a pool of its own: a call's last write waits until its data has left
 * ({@link GrpcResponder}), and the data leaves only as the client's window updates are
 * read — by the listener's workers. Were the application running on those same workers,
 * enough calls waiting at once (as many as the pool has threads) would leave nobody to
 * read the updates, and every connection would stall. Here, waiting calls hold only
 * application threads; new calls queue until one is free, and the listener's workers keep
 * reading.
 */
final class ApplicationThreads implements Executor {
    private final ThreadPoolExecutor pool;

    ApplicationThreads(String listenerName, int threads) {
        AtomicInteger count = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, listenerName + "-app-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable work) {
        pool.execute(work);
    }
}
