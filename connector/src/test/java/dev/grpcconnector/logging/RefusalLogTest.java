package dev.grpcconnector.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * {@link RefusalLog}: the first call of each reason is logged, a flood costs a line per
 * reason and a summary per minute, and the summary counts every call.
 */
class RefusalLogTest {
    private final List<String> lines = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Runnable> summaries = new ArrayList<>();
    private final RefusalLog log;

    RefusalLogTest() {
        Logger logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(MessageFormat.format(record.getMessage(), record.getParameters()));
                levels.add(record.getLevel());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        log = new RefusalLog(logger, "grpc-listener", now::get, summaries::add);
    }

    /** The timer fires: a minute has passed. */
    private void oneMinuteLater() {
        now.addAndGet(RefusalLog.INTERVAL_NANOS);
        List<Runnable> due = new ArrayList<>(summaries);
        summaries.clear();
        due.forEach(Runnable::run);
    }

    @Test
    void aFloodCostsOneLinePerReasonAndOneSummaryPerMinute() {
        for (int i = 0; i < 10_000; i++) {
            log.refused(Level.WARNING, "call refused, unauthenticated: wrong secret", "from /10.0.0." + (i % 200));
        }
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("grpc-listener") && lines.get(0).contains("wrong secret")
                && lines.get(0).contains("/10.0.0.0"), lines.get(0));

        log.refused(Level.INFO, "call failed with INVALID_ARGUMENT", "not an HttpBody, from /10.0.0.9");
        assertEquals(2, lines.size(), "another reason is logged at once, however many came before");
        assertEquals(1, summaries.size(), "one summary is due at the end of the minute");

        oneMinuteLater();
        assertEquals(3, lines.size(), lines::toString);
        assertEquals("Listener grpc-listener: 10001 calls refused in the last minute, 9999 of them not logged on a "
                + "line of their own; by reason: call refused, unauthenticated: wrong secret: 10000; "
                + "call failed with INVALID_ARGUMENT: 1", lines.get(2));
        assertEquals(Level.WARNING, levels.get(2), "the summary has the level of the most severe call it counts");

        log.refused(Level.WARNING, "call refused, unauthenticated: wrong secret", "from /10.0.0.7");
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(3).contains("9999 more") && lines.get(3).contains("/10.0.0.7"), lines.get(3));
    }

    @Test
    void withinTheMinuteNothingMoreIsLoggedPerReason() {
        log.refused(Level.INFO, "r", "a");
        now.addAndGet(RefusalLog.INTERVAL_NANOS - 1);
        log.refused(Level.INFO, "r", "b");
        assertEquals(1, lines.size(), lines::toString);
    }

    @Test
    void aMinuteWhoseCallsWereAllLoggedHasNoSummary() {
        log.refused(Level.INFO, "r", "a");
        log.refused(Level.INFO, "s", "b");
        oneMinuteLater();
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(summaries.isEmpty(), "no minute is open until the next call");

        log.refused(Level.INFO, "r", "c");
        assertEquals(3, lines.size(), "a minute after its last line, the reason is logged again");
        assertEquals(1, summaries.size());
    }

    @Test
    void reasonsBeyondTheLimitCountAsOther() {
        for (int i = 0; i < RefusalLog.MAX_REASONS + 50; i++) {
            log.refused(Level.INFO, "reason " + i, "d");
        }
        assertEquals(RefusalLog.MAX_REASONS + 1, lines.size(), "one line per reason, then one for all others");
        assertTrue(lines.get(RefusalLog.MAX_REASONS).contains(RefusalLog.OTHER), lines.toString());
        oneMinuteLater();
        assertTrue(lines.get(lines.size() - 1).contains(RefusalLog.OTHER + ": 50"), lines.get(lines.size() - 1));
    }
}
