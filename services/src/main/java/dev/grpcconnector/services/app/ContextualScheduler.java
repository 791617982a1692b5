package dev.grpcconnector.services.app;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A scheduler whose tasks run inside the application's context.
 *
 * <p>Why: grpc-java's server cancels a call's {@code Context} when its deadline passes from
 * a task on its scheduler, and that task runs the application's cancellation listeners
 * (those added with a direct executor, as grpc-java's examples do) on the scheduler's
 * thread. Outside the application's context, a CDI proxy or a {@code java:comp} lookup
 * fails there (Weld: "WELD-000229 … not valid after container … shutdown"). Each task is
 * therefore run through the module's contextual executor.
 */
final class ContextualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final ScheduledExecutorService delegate;
    private final Executor applicationContext;

    ContextualScheduler(ScheduledExecutorService delegate, Executor applicationContext) {
        this.delegate = delegate;
        this.applicationContext = applicationContext;
    }

    private Runnable inContext(Runnable task) {
        return () -> applicationContext.execute(task);
    }

    private <V> Callable<V> inContext(Callable<V> task) {
        return () -> {
            AtomicReference<V> result = new AtomicReference<>();
            AtomicReference<Exception> failure = new AtomicReference<>();
            applicationContext.execute(() -> {
                try {
                    result.set(task.call());
                } catch (Exception e) {
                    failure.set(e);
                }
            });
            if (failure.get() != null) {
                throw failure.get();
            }
            return result.get();
        };
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return delegate.schedule(inContext(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return delegate.schedule(inContext(callable), delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return delegate.scheduleAtFixedRate(inContext(command), initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return delegate.scheduleWithFixedDelay(inContext(command), initialDelay, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
        delegate.execute(inContext(command));
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return delegate.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return delegate.awaitTermination(timeout, unit);
    }
}
