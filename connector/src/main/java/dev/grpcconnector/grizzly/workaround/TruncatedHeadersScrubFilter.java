package dev.grpcconnector.grizzly.workaround;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.grizzly.ThreadCache;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http2.frames.HeadersFrame;

/**
 * Keeps one truncated header block from poisoning the listener: before Grizzly parses the
 * frames of a read, it removes from the reading thread's frame cache every
 * {@link HeadersFrame} still marked truncated, so each HEADERS frame of the read is decoded
 * into an object whose truncation flag is false unless this very block is too large.
 *
 * <p>The defect (docs/upstream/grizzly-http2-defects.md, defect 8): Grizzly 5.0.0 caches
 * {@code HeadersFrame} objects per thread ({@code ThreadCache}, up to 8 per thread), and
 * {@code HeaderBlockFragment.recycle()} clears the frame's buffers but not its
 * {@code truncated} flag. A header block above the listener's
 * {@code http2-max-header-list-size-in-bytes} (counted in compressed bytes) marks its frame
 * truncated; the frame goes back to the cache still marked, and every later well-formed
 * request whose HEADERS frame is parsed into that object is answered {@code 431}. Frames
 * built for responses come from the same caches and are recycled by whichever thread
 * writes them, so the marked objects spread to every thread of the listener: thirty
 * oversized requests shut it for everybody until GlassFish restarts.
 *
 * <p>It sits below the HTTP/1 codec, where a read's raw bytes pass on the same thread that
 * then runs {@code Http2ServerFilter}'s frame parser; one pass over at most 8 cached
 * objects per read, no reflection. A marked frame that another thread recycles later is
 * removed at that thread's next read.
 */
public final class TruncatedHeadersScrubFilter extends BaseFilter {
    /** The cache {@code HeadersFrame} itself uses: {@code ThreadCache} keys indexes by class name. */
    private static final ThreadCache.CachedTypeIndex<HeadersFrame> HEADERS_FRAMES =
            ThreadCache.obtainIndex(HeadersFrame.class, 8);
    /** More than the cache holds, so the loop always ends. */
    private static final int CACHE_BOUND = 64;

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        scrubCurrentThread();
        return ctx.getInvokeAction();
    }

    /**
     * Takes every cached frame of the current thread and puts back, in their order, only
     * the ones that are not marked truncated.
     *
     * @return how many marked frames were dropped
     */
    static int scrubCurrentThread() {
        List<HeadersFrame> clean = new ArrayList<>(8);
        int dropped = 0;
        for (int i = 0; i < CACHE_BOUND; i++) {
            HeadersFrame frame = ThreadCache.takeFromCache(HEADERS_FRAMES);
            if (frame == null) {
                break;
            }
            if (frame.isTruncated()) {
                dropped++;
            } else {
                clean.add(frame);
            }
        }
        for (int i = clean.size() - 1; i >= 0; i--) {
            ThreadCache.putToCache(HEADERS_FRAMES, clean.get(i));
        }
        return dropped;
    }
}
