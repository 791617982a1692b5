package dev.grpcconnector.grizzly.workaround;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The duplicate-trailers workaround reads two private Grizzly fields: this fails when the
 * Grizzly the connector is built against no longer has them, so that an upgrade cannot
 * silently bring the defect back.
 */
class StreamOutputQueueTest {
    @Test
    void grizzlysStreamOutputQueueIsReadable() {
        assertTrue(StreamOutputQueue.isReadable(),
                "Http2Stream.outputSink / DefaultOutputSink.outputQueue are gone: re-check Grizzly defect 6");
    }
}
