package dev.grpcconnector.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory budget of one listener: an upper bound on the request and response bytes
 * the connector holds for all calls of the listener together (request messages still
 * arriving, gzip messages being decompressed, unary responses being collected), on top
 * of the per-message limit. Each call accounts through its own {@link CallMemory}; a call
 * that would take the listener over the budget is refused that memory and ends with
 * {@code RESOURCE_EXHAUSTED}, while every other call goes on.
 *
 * <p>The first {@link #CALL_ALLOWANCE_BYTES} a call holds are not counted: that is what
 * HTTP/2 already lets a client have in flight on every stream (the default initial stream
 * window), and it means small calls (nearly all of them: a browser's GET, a form post) are
 * never refused, however many large ones hold the budget.
 */
public final class MemoryBudget {
    /** 64 MiB: an eighth of GlassFish's default 512 MiB heap; four maximum-size (16 MiB) messages at once. */
    public static final long DEFAULT_BYTES = 64L * 1024 * 1024;
    /** 16 MiB, as the default request message limit. */
    public static final int DEFAULT_MAX_UNARY_RESPONSE_BYTES = 16 * 1024 * 1024;
    /** Bytes per call not counted against the budget (64 KiB). */
    public static final long CALL_ALLOWANCE_BYTES = 64 * 1024;

    private final long limit;
    private final int maxUnaryResponseBytes;
    private final AtomicLong used = new AtomicLong();

    /**
     * @param limitBytes the budget
     * @param maxUnaryResponseBytes the largest unary ({@code Handle}) response body a call
     *     may collect; its bytes count against the budget too
     */
    public MemoryBudget(long limitBytes, int maxUnaryResponseBytes) {
        if (limitBytes < 0 || maxUnaryResponseBytes < 0) {
            throw new IllegalArgumentException("negative limit " + Math.min(limitBytes, maxUnaryResponseBytes));
        }
        this.limit = limitBytes;
        this.maxUnaryResponseBytes = maxUnaryResponseBytes;
    }

    /** The account of one new call; {@link CallMemory#close} it when the call ends. */
    public CallMemory newCall() {
        return new CallMemory(this);
    }

    public long limit() {
        return limit;
    }

    public int maxUnaryResponseBytes() {
        return maxUnaryResponseBytes;
    }

    /** Bytes counted against the budget now, by all calls. */
    public long used() {
        return used.get();
    }

    boolean tryReserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }
}
