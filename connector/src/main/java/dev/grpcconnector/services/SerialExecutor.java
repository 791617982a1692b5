package dev.grpcconnector.services;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one call's events one at a time, in the order they were submitted, on a shared
 * pool (the connector's application threads): what grpc-java's {@code SerializingExecutor}
 * does for a call's listener. Written here because the connector bundle embeds no
 * grpc-java; the events of different calls still run in parallel.
 *
 * <p>An event that throws is logged and the next one runs: one faulty call never stops
 * the queue of another, and this call's own state decides what its later events do.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = Logger.getLogger(SerialExecutor.class.getName());

    private final Executor pool;
    private final Queue<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable event) {
        synchronized (this) {
            queue.add(event);
            if (running) {
                return;
            }
            running = true;
        }
        pool.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "typed gRPC call: an event failed", e);
            }
        }
    }
}
