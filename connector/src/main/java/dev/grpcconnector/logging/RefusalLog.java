package dev.grpcconnector.logging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The log of the calls one listener refuses or ends early (unauthenticated, malformed,
 * over a limit, reset by the client, past their deadline), made so that a flood of such
 * calls cannot fill the disk or rotate away the lines an operator needs.
 *
 * <ul>
 * <li>The first call of each reason is always logged, at once, with its detail (peer
 *     address, path, the exact error).
 * <li>After it, at most one line per reason per {@link #INTERVAL_NANOS} (a minute), which
 *     also says how many calls of that reason were not logged since the previous one.
 * <li>Every minute in which some call was not logged on a line of its own ends with a
 *     summary line: "N calls refused in the last minute, by reason: …", counting every call
 *     of that minute. It is written by a timer, so it also comes when the flood stops.
 * <li>Reasons are short fixed texts chosen by the code, never the peer's input; should
 *     more than {@link #MAX_REASONS} distinct ones come up, the rest count as
 *     {@value #OTHER}.
 * </ul>
 *
 * <p>So a listener writes at most {@code MAX_REASONS + 2} such lines a minute, however many
 * calls are refused: thousands of bad calls a second cost a few lines a minute. One
 * instance per listener; thread-safe.
 */
public final class RefusalLog {
    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final int MAX_REASONS = 32;
    static final String OTHER = "other reasons";

    private static final ScheduledThreadPoolExecutor SUMMARIES = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "grpc-connector-refusal-summary");
        thread.setDaemon(true);
        return thread;
    });

    private final Logger log;
    private final String listener;
    private final LongSupplier clock;
    private final Consumer<Runnable> afterOneInterval;
    private final Map<String, Reason> reasons = new ConcurrentHashMap<>();

    // The current summary minute; guarded by this.
    private boolean minuteOpen;
    private final Map<String, Long> minuteCounts = new LinkedHashMap<>();
    private long minuteUnlogged;
    private Level minuteLevel = Level.INFO;

    public RefusalLog(Logger log, String listener) {
        this(log, listener, System::nanoTime,
                summary -> SUMMARIES.schedule(summary, INTERVAL_NANOS, TimeUnit.NANOSECONDS));
    }

    /**
     * @param afterOneInterval runs the summary task one {@link #INTERVAL_NANOS} later
     */
    RefusalLog(Logger log, String listener, LongSupplier clock, Consumer<Runnable> afterOneInterval) {
        this.log = log;
        this.listener = listener;
        this.clock = clock;
        this.afterOneInterval = afterOneInterval;
    }

    /**
     * Records one refused or failed call.
     *
     * @param reason a short, fixed text that says what happened, e.g. "call refused,
     *     unauthenticated: wrong secret" (the rate limit is per reason: never put the peer
     *     address or a per-call value in it)
     * @param detail what identifies this call (peer address, path, the exact error), logged with it
     */
    public void refused(Level level, String reason, String detail) {
        Reason counted = reason(reason);
        long now = clock.getAsLong();
        long unloggedBefore;
        boolean logged;
        synchronized (counted) {
            logged = counted.loggedAt == Long.MIN_VALUE || now - counted.loggedAt >= INTERVAL_NANOS;
            if (logged) {
                counted.loggedAt = now;
                unloggedBefore = counted.unlogged;
                counted.unlogged = 0;
            } else {
                counted.unlogged++;
                unloggedBefore = 0;
            }
        }
        count(counted.text, level, logged);
        if (!logged) {
            return;
        }
        if (unloggedBefore == 0) {
            log.log(level, "Listener {0}: {1} ({2})", new Object[] {listener, counted.text, detail});
        } else {
            log.log(level, "Listener {0}: {1} ({2}); {3,number,#} more for this reason since the last such line, not "
                    + "logged (at most one line a minute per reason)", new Object[] {listener, counted.text, detail,
                        unloggedBefore});
        }
    }

    private Reason reason(String text) {
        Reason known = reasons.get(text);
        if (known != null) {
            return known;
        }
        if (reasons.size() >= MAX_REASONS) {
            return reasons.computeIfAbsent(OTHER, Reason::new);
        }
        return reasons.computeIfAbsent(text, Reason::new);
    }

    private void count(String reason, Level level, boolean logged) {
        boolean open;
        synchronized (this) {
            open = !minuteOpen;
            minuteOpen = true;
            minuteCounts.merge(reason, 1L, Long::sum);
            if (!logged) {
                minuteUnlogged++;
            }
            if (level.intValue() > minuteLevel.intValue()) {
                minuteLevel = level;
            }
        }
        if (open) {
            afterOneInterval.accept(this::summarise);
        }
    }

    /** Ends the current minute: logs its summary when some call of it was not logged on its own line. */
    void summarise() {
        Map<String, Long> counts;
        long unlogged;
        Level level;
        synchronized (this) {
            counts = new LinkedHashMap<>(minuteCounts);
            unlogged = minuteUnlogged;
            level = minuteLevel;
            minuteCounts.clear();
            minuteUnlogged = 0;
            minuteLevel = Level.INFO;
            minuteOpen = false;
        }
        if (unlogged == 0) {
            return;
        }
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        String byReason = counts.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("; "));
        log.log(level, "Listener {0}: {1,number,#} calls refused in the last minute, {2,number,#} of them not logged on a "
                + "line of their own; by reason: {3}", new Object[] {listener, total, unlogged, byReason});
    }

    private static final class Reason {
        final String text;
        long loggedAt = Long.MIN_VALUE;
        long unlogged;

        Reason(String text) {
            this.text = text;
        }
    }
}
