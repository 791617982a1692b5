package dev.grpcconnector.grizzly.workaround;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.ThreadCache;
import org.glassfish.grizzly.http2.frames.HeadersFrame;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TruncatedHeadersScrubFilter} against Grizzly 5.0.0's own frame classes: the
 * defect (a recycled frame keeps its truncation flag) and the scrub.
 */
class TruncatedHeadersScrubFilterTest {
    private static final MemoryManager MM = MemoryManager.DEFAULT_MEMORY_MANAGER;

    @BeforeEach
    void emptyTheThreadsCache() {
        ThreadCache.CachedTypeIndex<HeadersFrame> index = ThreadCache.obtainIndex(HeadersFrame.class, 8);
        while (ThreadCache.takeFromCache(index) != null) {
            // each call removes one cached frame
        }
    }

    /** A HEADERS frame as Grizzly's parser makes it (payload: the static-table entry :method GET). */
    private static HeadersFrame parse(int streamId) {
        Buffer payload = Buffers.wrap(MM, new byte[] {(byte) 0x82});
        return HeadersFrame.fromBuffer(HeadersFrame.END_HEADERS | HeadersFrame.END_STREAM, streamId, payload);
    }

    @Test
    void grizzlyReusesARecycledFrameWithItsTruncationFlag() {
        HeadersFrame oversized = parse(1);
        oversized.setTruncated(); // what Http2BaseFilter.processHeadersFrame does for a block above the limit
        oversized.recycle();

        HeadersFrame next = parse(3); // the next, well-formed request on this thread
        assertSame(oversized, next, "Grizzly takes the frame from the thread's cache");
        assertTrue(next.isTruncated(), "the defect: the new request would be answered 431");
    }

    @Test
    void theScrubDropsMarkedFramesAndKeepsTheOthers() {
        HeadersFrame clean = parse(1);
        HeadersFrame oversized = parse(3);
        oversized.setTruncated();
        clean.recycle();
        oversized.recycle();

        assertEquals(1, TruncatedHeadersScrubFilter.scrubCurrentThread());

        HeadersFrame next = parse(5);
        assertFalse(next.isTruncated());
        assertSame(clean, next, "unmarked frames stay cached");
        HeadersFrame after = parse(7);
        assertFalse(after.isTruncated());
        assertEquals(0, TruncatedHeadersScrubFilter.scrubCurrentThread());
    }
}
