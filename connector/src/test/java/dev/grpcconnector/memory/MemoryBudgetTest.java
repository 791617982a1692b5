package dev.grpcconnector.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@link MemoryBudget} and {@link CallMemory}: the sum over calls is bounded, and ending a call gives it all back. */
class MemoryBudgetTest {
    private static final long ALLOWANCE = MemoryBudget.CALL_ALLOWANCE_BYTES;
    private static final long MIB = 1024 * 1024;

    @Test
    void eachCallsFirstBytesAreNotCounted() {
        MemoryBudget budget = new MemoryBudget(0, 0);
        CallMemory call = budget.newCall();
        assertTrue(call.tryHold(ALLOWANCE), "a zero budget still lets every call hold its allowance");
        assertFalse(call.tryHold(1));
        assertEquals(0, budget.used());
        assertTrue(budget.newCall().tryHold(ALLOWANCE), "another call has its own allowance");
    }

    @Test
    void callsBeyondTheBudgetAreRefusedAndTheOthersKeepWhatTheyHold() {
        MemoryBudget budget = new MemoryBudget(4 * MIB, 0);
        List<CallMemory> calls = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            CallMemory call = budget.newCall();
            calls.add(call);
            if (!call.tryHold(ALLOWANCE + MIB)) {
                refused++;
                assertEquals(0, call.held(), "a refusal holds nothing");
                assertTrue(call.refusal().contains("4194304 bytes"), call.refusal());
            }
        }
        assertEquals(6, refused, "4 MiB for calls of 1 MiB above their allowance");
        assertEquals(4 * MIB, budget.used());

        calls.get(0).close();
        assertEquals(3 * MIB, budget.used(), "ending a call gives back what it counted");
        assertTrue(budget.newCall().tryHold(ALLOWANCE + MIB), "and another call can have it");
        calls.get(0).close();
        assertEquals(4 * MIB, budget.used(), "closing twice gives back once");
    }

    @Test
    void releasingBringsTheCountDownToTheAllowance() {
        MemoryBudget budget = new MemoryBudget(10 * MIB, 0);
        CallMemory call = budget.newCall();
        assertTrue(call.tryHold(ALLOWANCE + 3 * MIB));
        assertEquals(3 * MIB, budget.used());
        call.release(MIB);
        assertEquals(2 * MIB, budget.used());
        call.release(3 * MIB);
        assertEquals(0, budget.used(), "what is held within the allowance counts nothing");
        assertEquals(0, call.held());
    }

    @Test
    void aClosedCallHoldsNothingMore() {
        MemoryBudget budget = new MemoryBudget(10 * MIB, 0);
        CallMemory call = budget.newCall();
        call.close();
        assertFalse(call.tryHold(1));
        assertTrue(call.refusal().contains("ended"), call.refusal());
        call.release(5);
        assertEquals(0, budget.used());
    }

    @Test
    void concurrentCallsNeverTakeMoreThanTheBudget() throws Exception {
        MemoryBudget budget = new MemoryBudget(8 * MIB, 0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> peaks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                peaks.add(pool.submit(() -> {
                    long peak = 0;
                    for (int i = 0; i < 2000; i++) {
                        CallMemory call = budget.newCall();
                        for (int k = 0; k < 5; k++) {
                            call.tryHold(ALLOWANCE / 2 + 256 * 1024);
                            peak = Math.max(peak, budget.used());
                        }
                        call.close();
                    }
                    return peak;
                }));
            }
            for (Future<Long> peak : peaks) {
                assertTrue(peak.get() <= 8 * MIB, "peak " + peak.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(0, budget.used(), "every call closed: nothing counted");
    }
}
