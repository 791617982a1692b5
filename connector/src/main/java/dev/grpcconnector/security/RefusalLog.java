package dev.grpcconnector.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs refused calls of one listener without letting a flood of them fill the log: the
 * first refusal of each reason is always logged; after it, at most one line per reason
 * per {@link #INTERVAL_NANOS}, which also says how many were refused in between and not
 * logged. A caller that sends thousands of bad calls a second thus costs a line a minute.
 */
public final class RefusalLog {
    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Logger log;
    private final String listener;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RefusalLog(Logger log, String listener) {
        this(log, listener, System::nanoTime);
    }

    RefusalLog(Logger log, String listener, LongSupplier clock) {
        this.log = log;
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * Records one refusal.
     *
     * @param reason a short, fixed text (the rate limit is per reason: never put the peer
     *     address or a per-call value in it)
     * @param detail what identifies this call (peer address, path), logged with it
     */
    public void refused(Level level, String reason, String detail) {
        Window window = windows.computeIfAbsent(reason, r -> new Window());
        long now = clock.getAsLong();
        long suppressed;
        synchronized (window) {
            if (window.loggedAt != Long.MIN_VALUE && now - window.loggedAt < INTERVAL_NANOS) {
                window.suppressed.incrementAndGet();
                return;
            }
            window.loggedAt = now;
            suppressed = window.suppressed.getAndSet(0);
        }
        if (suppressed == 0) {
            log.log(level, "Listener {0} refused a call: {1} ({2})", new Object[] {listener, reason, detail});
        } else {
            log.log(level, "Listener {0} refused a call: {1} ({2}); {3} more refused for this reason since the last "
                    + "such line (not logged, at most one line a minute per reason)",
                    new Object[] {listener, reason, detail, suppressed});
        }
    }

    private static final class Window {
        long loggedAt = Long.MIN_VALUE;
        final AtomicLong suppressed = new AtomicLong();
    }
}
