package dev.grpcconnector.grizzly.workaround;

import dev.grpcconnector.grizzly.frames.Http2FrameScanner;
import dev.grpcconnector.grizzly.frames.InboundFrameFilter;
import dev.grpcconnector.grizzly.StreamRefusals;
import dev.grpcconnector.logging.RefusalLog;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http2.Http2Session;
import org.glassfish.grizzly.http2.Http2Stream;

/**
 * Refuses a stream above the listener's concurrent-stream limit as a <em>stream</em> error,
 * {@code RST_STREAM(REFUSED_STREAM)}, as RFC 9113 §5.1.2 asks, while the connection's other
 * streams go on.
 *
 * <p>Why: Grizzly 5.0.0 refuses such a stream as a <em>connection</em> error
 * (grizzly#2304, fixed by grizzly PR #2309 after 5.0.2; docs/upstream/grizzly-http2-defects.md,
 * defect 10): {@code Http2Session.acceptStream} throws
 * {@code Http2SessionException(REFUSED_STREAM)}, a GOAWAY, and every stream in flight on the
 * connection fails. Envoy fills a connection up to the limit its peer advertises. So the
 * connector keeps Grizzly's own limit out of reach and enforces the advertised one itself:
 *
 * <ul>
 * <li>Grizzly's limit (its {@code Http2Configuration}) is set to {@link #grizzlyLimit} of the
 *     configured one ({@code http2-max-concurrent-streams}), and {@link Requests} writes the
 *     configured value into the server's SETTINGS frame ({@code SETTINGS_MAX_CONCURRENT_STREAMS},
 *     which Grizzly would leave out at its default of 100).
 * <li>{@link Inbound}, below the HTTP/1 codec, follows the client's frames on the reading
 *     thread before Grizzly parses them, and counts the streams the client opened that
 *     Grizzly has not closed yet; a HEADERS frame that opens one more than the limit marks
 *     its stream refused. The decision is taken in arrival order, as the client counts.
 * <li>{@link Requests}, right after {@code Http2ServerFilter}, resets a marked stream when
 *     its request arrives (Grizzly decoded its header block, so the compression state stays
 *     in step) and drops it: the application never sees it.
 * </ul>
 * A client that opens more than twice the limit in one burst still meets Grizzly's GOAWAY.
 */
public final class ConcurrentStreamLimit {
    private static final Logger LOG = Logger.getLogger(ConcurrentStreamLimit.class.getName());
    private static final Attribute<Set<Integer>> REFUSED = AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(ConcurrentStreamLimit.class.getName() + ".refused");

    /** Closed streams Grizzly keeps per connection at GlassFish's default limit (100 × 0.5). */
    private static final int RETAINED_CLOSED_STREAMS = 50;

    private final int limit;
    private final RefusalLog refusals;

    /** @param limit the listener's concurrent-stream limit ({@code http2-max-concurrent-streams}) */
    public ConcurrentStreamLimit(String listenerName, int limit) {
        this.limit = limit;
        this.refusals = new RefusalLog(LOG, listenerName);
    }

    /** The limit to give Grizzly itself: out of reach of a client that respects the advertised one. */
    public static int grizzlyLimit(int limit) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * limit);
    }

    /**
     * The {@code Http2Configuration.streamsHighWaterMark} to go with {@code grizzlyLimit}:
     * Grizzly keeps every closed stream, with its request and buffers, in the connection's
     * stream map until the map holds more than {@code limit × streamsHighWaterMark} (0.5 by
     * default) streams. At GlassFish's default of 100 that is 50 per connection; at 4,096
     * it was 2,048 per connection, and a soak with 8 KiB cookies on four connections filled
     * a 512 MiB heap with them (full GCs, then no answer at all). So the fraction is chosen to
     * keep the 50 closed streams of GlassFish's default, whatever the limit.
     */
    public static float grizzlyHighWaterMark(int grizzlyLimit) {
        return Math.min(0.5f, RETAINED_CLOSED_STREAMS / (float) grizzlyLimit);
    }

    public int limit() {
        return limit;
    }

    public Inbound inbound() {
        return new Inbound();
    }

    public Requests requests() {
        return new Requests();
    }

    private static Set<Integer> refused(Connection<?> connection) {
        Set<Integer> set = REFUSED.get(connection);
        if (set == null) {
            set = ConcurrentHashMap.newKeySet();
            REFUSED.set(connection, set);
        }
        return set;
    }

    /** Counts each connection's open client streams in its raw inbound frames and marks those above the limit. */
    public final class Inbound extends InboundFrameFilter<OpenStreams> {
        @Override
        protected OpenStreams newListener(Connection<?> connection) {
            return new OpenStreams(connection, refused(connection));
        }
    }

    /**
     * The streams one client opened that are not closed yet, as far as this connection's
     * frames tell. Runs on the connection's reading thread only.
     */
    final class OpenStreams implements Http2FrameScanner.FrameListener {
        private final Connection<?> connection;
        private final Set<Integer> refused;
        private final TreeSet<Integer> open = new TreeSet<>();
        private int highest;

        OpenStreams(Connection<?> connection, Set<Integer> refused) {
            this.connection = connection;
            this.refused = refused;
        }

        @Override
        public void onFrame(int type, int flags, int streamId, int payloadLength) {
            if (type != Http2FrameScanner.HEADERS || streamId <= highest || (streamId & 1) == 0) {
                return; // trailers, or not a client stream: Grizzly judges those
            }
            highest = streamId;
            if (open.size() >= limit) {
                pruneClosed();
            }
            if (open.size() >= limit) {
                refused.add(streamId);
                refusals.refused(Level.INFO, "stream over http2-max-concurrent-streams", "stream " + streamId + ", "
                        + open.size() + " open, limit " + limit + ", from " + connection.getPeerAddress());
            } else {
                open.add(streamId);
            }
        }

        /**
         * Forgets the streams Grizzly has closed (the ones it counts no more), newest first.
         * A stream Grizzly does not know is closed and cleaned up if Grizzly knows a newer
         * one (client stream ids only grow); otherwise its frames are later in this read.
         */
        private void pruneClosed() {
            Http2Session session = Http2Session.get(connection);
            if (session == null) {
                return;
            }
            boolean newerKnown = false;
            for (Iterator<Integer> ids = open.descendingIterator(); ids.hasNext();) {
                Http2Stream stream = session.getStream(ids.next());
                if (stream == null ? newerKnown : !stream.isOpen()) {
                    ids.remove();
                }
                newerKnown |= stream != null;
            }
        }

    }

    /**
     * Resets the streams {@link Inbound} refused, when their request arrives, and
     * advertises the limit in the server's SETTINGS frame (Grizzly's preface passes here
     * as a raw buffer, see {@code HeaderTableSizeFilter}).
     */
    public final class Requests extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof HttpContent content && content.getHttpHeader().isRequest()) {
                Set<Integer> refused = REFUSED.get(ctx.getConnection());
                Http2Stream stream = refused == null || refused.isEmpty() ? null
                        : Http2Stream.getStreamFor((HttpRequestPacket) content.getHttpHeader());
                if (stream != null && refused.remove(stream.getId())) {
                    if (!HttpContent.isBroken(content)) {
                        content.getContent().tryDispose();
                    }
                    StreamRefusals.reset(ctx.getConnection(), stream, StreamRefusals.REFUSED_STREAM,
                            "refused: more than " + limit + " concurrent streams");
                    return ctx.getStopAction();
                }
            }
            return ctx.getInvokeAction();
        }

        /** Advertises the limit: sets {@code SETTINGS_MAX_CONCURRENT_STREAMS} in the server's SETTINGS frame. */
        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            ServerSettings.set(ctx, ServerSettings.MAX_CONCURRENT_STREAMS, limit);
            return ctx.getInvokeAction();
        }
    }
}
