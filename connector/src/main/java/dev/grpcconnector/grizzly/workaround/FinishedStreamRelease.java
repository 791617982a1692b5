package dev.grpcconnector.grizzly.workaround;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http2.Http2Stream;

/**
 * Lets Grizzly forget the streams it has finished, so that a long-lived connection (Envoy's
 * upstream connections live for hours) does not keep every request it ever carried.
 *
 * <p>The defect (docs/upstream/grizzly-http2-defects.md, defect 12): Grizzly 5.0.0 moves an
 * {@code Http2Stream} to {@code HALF_CLOSED_REMOTE} only when the request's END_STREAM flag is
 * on its HEADERS frame ({@code Http2Stream.onRcvHeaders}); a request with a body ends with
 * END_STREAM on a DATA frame, and {@code offerInputData} does not change the state. When both
 * directions are done, {@code closedStateSwitch} then turns {@code OPEN} into
 * {@code HALF_CLOSED_LOCAL}, never {@code CLOSED}, and {@code Http2Session.deregisterStream}
 * removes from the connection's stream map only streams whose state is {@code CLOSED}. Every
 * gRPC call has a body (the request message), so every call's stream, with its request,
 * response, headers and buffers (about 25 KB for a small GET through the connector), stays
 * referenced until the connection closes: 20,000 calls on one connection were 20,000 live
 * {@code Http2Stream}s, and {@code EnvoyShapedSoakIT}'s four connections filled a 512 MiB heap
 * after about 35,000 calls. Plain HTTP/2 POSTs on GlassFish's stock listeners leak the same way.
 *
 * <p>This filter sits right after {@code Http2ServerFilter}, sees the first content of each
 * request on the connection (connector calls and requests passing through alike) and keeps
 * the connection's unfinished streams in a list. On each new request it walks the list: a
 * stream on which Grizzly has already run both {@code onInputClosed} and
 * {@code onOutputClosed} (its private {@code completeFinalizationCounter} is 2: the request was
 * read to its end and the response's last frame was written) for at least a second (so that a
 * late WINDOW_UPDATE from the client still finds it, see {@link Streams}) is set to {@code CLOSED}, under
 * the stream's own lock as Grizzly's transitions are, and leaves the list; Grizzly's next
 * clean-up pass removes it from the stream map. No frame is sent, and a stream is never closed
 * while either direction can still move. Reads and writes the two private fields with
 * {@link VarHandle}s; when they are missing (another Grizzly version), {@link #available()}
 * is false, the add-on does not install the filter and logs a WARNING.
 */
public final class FinishedStreamRelease extends BaseFilter {
    private static final Logger LOG = Logger.getLogger(FinishedStreamRelease.class.getName());
    private static final Attribute<Streams> STREAMS =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FinishedStreamRelease.class.getName() + ".streams");
    private static final String TRACKED = FinishedStreamRelease.class.getName() + ".tracked";
    /** Both of Grizzly's half-close callbacks have run for the stream. */
    private static final int BOTH_DIRECTIONS_CLOSED = 2;
    private static final VarHandle STATE;
    private static final VarHandle FINALIZATION_COUNTER;
    private static final String UNAVAILABLE;

    static {
        VarHandle state = null;
        VarHandle counter = null;
        String unavailable = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Http2Stream.class, MethodHandles.lookup());
            state = lookup.findVarHandle(Http2Stream.class, "state", Http2Stream.State.class);
            counter = lookup.findVarHandle(Http2Stream.class, "completeFinalizationCounter", int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = e.toString();
        }
        STATE = state;
        FINALIZATION_COUNTER = counter;
        UNAVAILABLE = unavailable;
    }

    /** True when this Grizzly has the fields the release needs (5.0.0 has them). */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /** Why {@link #available()} is false, for the add-on's WARNING; {@code null} when it is true. */
    public static String unavailableReason() {
        return UNAVAILABLE;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof HttpContent content && content.getHttpHeader() instanceof HttpRequestPacket request) {
            Http2Stream stream = Http2Stream.getStreamFor(request);
            if (stream != null && stream.getAttributes().getAttribute(TRACKED) == null) {
                stream.getAttributes().setAttribute(TRACKED, Boolean.TRUE);
                streams(ctx.getConnection()).releaseFinishedAndAdd(stream);
            }
        }
        return ctx.getInvokeAction();
    }

    private static Streams streams(Connection<?> connection) {
        synchronized (connection) {
            Streams streams = STREAMS.get(connection);
            if (streams == null) {
                streams = new Streams();
                STREAMS.set(connection, streams);
            }
            return streams;
        }
    }

    /**
     * One connection's streams that were not yet released. A finished stream is released
     * only when it was already seen finished at least {@link #GRACE_NANOS} earlier: a
     * client may still send a WINDOW_UPDATE for a stream it has not yet seen end, and
     * Grizzly answers a WINDOW_UPDATE for a stream no longer in its map with GOAWAY
     * (defect 13), so the stream stays known for that grace period.
     */
    static final class Streams {
        private List<Tracked> unreleased = new ArrayList<>();

        /**
         * Releases every listed stream that has been finished for the grace period, and
         * lists {@code stream}.
         *
         * @return how many streams were released
         */
        synchronized int releaseFinishedAndAdd(Http2Stream stream) {
            return releaseFinishedAndAdd(stream, System.nanoTime());
        }

        synchronized int releaseFinishedAndAdd(Http2Stream stream, long now) {
            List<Tracked> still = new ArrayList<>(unreleased.size() + 1);
            int released = 0;
            for (Tracked t : unreleased) {
                if (t.releaseIfFinishedSince(now)) {
                    released++;
                } else {
                    still.add(t);
                }
            }
            still.add(new Tracked(stream));
            unreleased = still;
            return released;
        }

        synchronized int size() {
            return unreleased.size();
        }
    }

    /** How long a finished stream stays known to Grizzly before it is released. */
    static final long GRACE_NANOS = 1_000_000_000L;

    /** A stream and when it was first seen finished. */
    private static final class Tracked {
        private final Http2Stream stream;
        private long finishedSeenAt;
        private boolean finishedSeen;

        Tracked(Http2Stream stream) {
            this.stream = stream;
        }

        /** @return true when the stream is gone from the connector's list (released, or closed by Grizzly itself) */
        boolean releaseIfFinishedSince(long now) {
            if (!finished(stream)) {
                return closedByGrizzly(stream);
            }
            if (!finishedSeen) {
                finishedSeen = true;
                finishedSeenAt = now;
                return false;
            }
            if (now - finishedSeenAt < GRACE_NANOS) {
                return false;
            }
            release(stream);
            return true;
        }
    }

    /** Grizzly has run both {@code onInputClosed} and {@code onOutputClosed} for the stream. */
    static boolean finished(Http2Stream stream) {
        return (int) FINALIZATION_COUNTER.getVolatile(stream) >= BOTH_DIRECTIONS_CLOSED;
    }

    /** A reset stream is {@code CLOSED} already: Grizzly's own clean-up takes it. */
    static boolean closedByGrizzly(Http2Stream stream) {
        synchronized (stream) {
            return STATE.get(stream) == Http2Stream.State.CLOSED;
        }
    }

    /** Sets a finished stream's state to {@code CLOSED}, so that Grizzly's next clean-up removes it. */
    static void release(Http2Stream stream) {
        synchronized (stream) {
            STATE.set(stream, Http2Stream.State.CLOSED);
        }
        if (LOG.isLoggable(Level.FINEST)) {
            LOG.log(Level.FINEST, "stream {0} finished: released to Grizzly''s clean-up", stream.getId());
        }
    }
}
