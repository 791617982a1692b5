package dev.grpcconnector.memory;

import dev.grpcconnector.wire.MessageMemory;

/**
 * One call's account with its listener's {@link MemoryBudget}: what the call's codecs
 * hold, of which everything beyond {@link MemoryBudget#CALL_ALLOWANCE_BYTES} is counted
 * against the budget. {@link #close} gives it all back; the call must close it on every
 * way it can end (response complete, refused, cancelled, reset, connection closed).
 *
 * <p>Thread-safe: a call's request side (the connection's reading thread or the
 * application's) and its response side (the application's thread) account at the same
 * time.
 */
public final class CallMemory implements MessageMemory {
    private final MemoryBudget budget;
    private long held;
    private long counted;
    private boolean closed;

    CallMemory(MemoryBudget budget) {
        this.budget = budget;
    }

    @Override
    public synchronized boolean tryHold(long bytes) {
        if (closed) {
            return false;
        }
        long countedAfter = Math.max(0, held + bytes - MemoryBudget.CALL_ALLOWANCE_BYTES);
        if (countedAfter > counted && !budget.tryReserve(countedAfter - counted)) {
            return false;
        }
        held += bytes;
        counted = countedAfter;
        return true;
    }

    @Override
    public synchronized void release(long bytes) {
        if (closed) {
            return;
        }
        held = Math.max(0, held - bytes);
        long countedAfter = Math.max(0, held - MemoryBudget.CALL_ALLOWANCE_BYTES);
        budget.release(counted - countedAfter);
        counted = countedAfter;
    }

    /** The call is over: everything it held goes back to the budget, and it can hold nothing more. */
    public synchronized void close() {
        if (!closed) {
            closed = true;
            budget.release(counted);
            counted = 0;
            held = 0;
        }
    }

    @Override
    public synchronized String refusal() {
        return closed ? "the gRPC call has ended"
                : "the listener's memory budget of " + budget.limit() + " bytes for calls is in use by other calls "
                        + "(grpc-connector-memory-budget-bytes); try again later";
    }

    /** The largest unary response body the call may collect. */
    public int maxUnaryResponseBytes() {
        return budget.maxUnaryResponseBytes();
    }

    /** Bytes the call holds now, counted or not. */
    synchronized long held() {
        return held;
    }
}
