package dev.grpcconnector.grizzly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link StreamIdleTimeout}: a call without activity is expired once; activity and {@link StreamIdleTimeout#stop} keep it. */
class StreamIdleTimeoutTest {

    @Test
    void anIdleCallExpiresOnceWithItsIdleTime() throws InterruptedException {
        CountDownLatch expired = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AtomicLong idleMillis = new AtomicLong();
        StreamIdleTimeout.start(TimeUnit.MILLISECONDS.toNanos(50), ms -> {
            idleMillis.set(ms);
            calls.incrementAndGet();
            expired.countDown();
        });
        assertTrue(expired.await(30, TimeUnit.SECONDS), "an idle call must expire");
        assertTrue(idleMillis.get() >= 50, "idle for at least the timeout: " + idleMillis.get());
        // A second expiry would come within another 50 ms: wait for one more check's worth, generously.
        Thread.sleep(500);
        assertEquals(1, calls.get());
    }

    /** The timeout is 2 s and the call is touched every 10 ms for 3 s: only a stall of 2 s on this machine could expire it. */
    @Test
    void aCallThatKeepsMovingOutlivesItsTimeoutAndStopEndsTheWatch() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        StreamIdleTimeout timeout = StreamIdleTimeout.start(TimeUnit.SECONDS.toNanos(2), ms -> calls.incrementAndGet());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < end) {
            timeout.touch();
            Thread.sleep(10);
        }
        timeout.stop();
        Thread.sleep(2500);
        assertEquals(0, calls.get(), "a moving call, then a stopped one, must never expire");
    }
}
