package dev.grpcconnector.wire;

import java.lang.management.ManagementFactory;

/**
 * Bytes the current thread allocates while running some decoding
 * ({@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}).
 *
 * <p>The first run of a code path in a JVM also allocates what loading and initialising
 * its classes costs (hundreds of KiB up to a few MiB), which says nothing about the input;
 * {@link #steadyState} therefore measures a second run of the same work.
 */
final class ThreadAllocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Work whose allocation is measured; its result is ignored, an exception is part of it. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    private ThreadAllocation() {
    }

    /** Bytes allocated by one run of {@code work}. */
    static long of(Work work) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            work.run();
        } catch (Exception e) {
            // The decoders' refusals are the expected outcome of hostile input; the callers
            // check the outcome itself separately.
            return THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /** Bytes allocated by a second run of {@code work}, once its classes are loaded. */
    static long steadyState(Work work) {
        of(work);
        return of(work);
    }
}
