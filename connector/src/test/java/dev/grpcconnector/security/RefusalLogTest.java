package dev.grpcconnector.security;

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

/** {@link RefusalLog}: the first refusal of each reason is logged, a flood is summarised. */
class RefusalLogTest {
    private final List<String> lines = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000);
    private final RefusalLog log;

    RefusalLogTest() {
        Logger logger = Logger.getAnonymousLogger();
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(MessageFormat.format(record.getMessage(), record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        log = new RefusalLog(logger, "grpc-listener", now::get);
    }

    @Test
    void aFloodCostsOneLinePerReasonPerMinute() {
        for (int i = 0; i < 10_000; i++) {
            log.refused(Level.WARNING, "unauthenticated: wrong secret", "from /10.0.0." + (i % 200));
        }
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("grpc-listener") && lines.get(0).contains("wrong secret")
                && lines.get(0).contains("/10.0.0.0"), lines.get(0));

        log.refused(Level.WARNING, "unauthenticated: no secret", "from /10.0.0.9");
        assertEquals(2, lines.size(), "another reason is logged at once, however many came before");

        now.addAndGet(RefusalLog.INTERVAL_NANOS);
        log.refused(Level.WARNING, "unauthenticated: wrong secret", "from /10.0.0.7");
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(2).contains("9,999 more") || lines.get(2).contains("9999 more"), lines.get(2));
    }

    @Test
    void withinTheMinuteNothingMoreIsLogged() {
        log.refused(Level.INFO, "r", "a");
        now.addAndGet(RefusalLog.INTERVAL_NANOS - 1);
        log.refused(Level.INFO, "r", "b");
        assertEquals(1, lines.size(), lines::toString);
    }
}
