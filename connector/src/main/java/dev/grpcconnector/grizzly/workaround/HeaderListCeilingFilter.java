package dev.grpcconnector.grizzly.workaround;

import dev.grpcconnector.grizzly.StreamRefusals;
import dev.grpcconnector.logging.RefusalLog;
import dev.grpcconnector.wire.GrpcStatus;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.util.MimeHeaders;

/**
 * Enforces the listener's header list limit ({@code http2-max-header-list-size-in-bytes})
 * on what it is defined on, the <em>decoded</em> header list (RFC 9113 §6.5.2: the length of
 * every name and value plus 32 bytes per field), and answers a request above it on its own
 * stream: a gRPC call with {@code RESOURCE_EXHAUSTED}, anything else with 431. The
 * application never sees the request; the connection goes on serving its other streams.
 *
 * <p>Why: Grizzly 5.0.0 checks the limit against the <em>compressed</em> bytes of the header
 * block (docs/upstream/grizzly-http2-defects.md, defect 9), so what a client may send
 * depends on how well its header values compress, and a block above it is not decoded: a
 * single frame is reset with {@code PROTOCOL_ERROR}, a block with CONTINUATION frames ends
 * the connection, and either marks the frame that poisons the listener (defect 8). So Grizzly
 * is given a limit of its own, {@link #grizzlyLimit} of the configured one, and this filter
 * enforces the configured one, which it advertises in the server's SETTINGS frame
 * ({@code SETTINGS_MAX_HEADER_LIST_SIZE}) in place of Grizzly's. HPACK never makes a field
 * much larger than its name and value (a literal costs a few bytes of lengths and prefixes,
 * far below the 32 the RFC counts), so a list within the advertised limit, and well above
 * it, always reaches this filter; only a client that sends more than four times the
 * advertised size still meets Grizzly's behaviour.
 *
 * <p>It sits right after {@code Http2ServerFilter}, where each stream is a request, and
 * looks at a request once, at its first content; the rest of a refused request's content is
 * dropped.
 */
public final class HeaderListCeilingFilter extends BaseFilter {
    private static final Logger LOG = Logger.getLogger(HeaderListCeilingFilter.class.getName());
    private static final String CHECKED = HeaderListCeilingFilter.class.getName() + ".checked";
    private static final String REFUSED = HeaderListCeilingFilter.class.getName() + ".refused";
    /** RFC 9113 §6.5.2: each field counts 32 bytes besides its name and value. */
    static final int FIELD_OVERHEAD = 32;

    private final int limit;
    private final RefusalLog refusals;

    /** @param limit the largest decoded header list accepted, in bytes (RFC 9113 §6.5.2) */
    public HeaderListCeilingFilter(String listenerName, int limit) {
        this.limit = limit;
        this.refusals = new RefusalLog(LOG, listenerName);
    }

    /** The compressed header block size to let Grizzly accept: out of reach of any list near the advertised one. */
    public static int grizzlyLimit(int limit) {
        return (int) Math.min(Integer.MAX_VALUE, 4L * limit);
    }

    /** Advertises the decoded limit in the server's SETTINGS frame, in place of {@link #grizzlyLimit}. */
    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        ServerSettings.set(ctx, ServerSettings.MAX_HEADER_LIST_SIZE, limit);
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content) || !content.getHttpHeader().isRequest()) {
            return ctx.getInvokeAction();
        }
        HttpRequestPacket request = (HttpRequestPacket) content.getHttpHeader();
        if (request.getAttribute(REFUSED) != null) {
            discard(content);
            return ctx.getStopAction();
        }
        if (request.getAttribute(CHECKED) != null || request.getProtocol() != Protocol.HTTP_2_0) {
            return ctx.getInvokeAction();
        }
        request.setAttribute(CHECKED, Boolean.TRUE);
        long size = headerListSize(request);
        if (size <= limit) {
            return ctx.getInvokeAction();
        }
        request.setAttribute(REFUSED, Boolean.TRUE);
        discard(content);
        String reason = "request header list of " + size + " bytes exceeds the limit of " + limit
                + " (http2-max-header-list-size-in-bytes)";
        refusals.refused(Level.INFO, "header list over http2-max-header-list-size-in-bytes", size + " bytes, limit "
                + limit + ", from " + ctx.getConnection().getPeerAddress() + ", " + request.getMethod() + " "
                + request.getRequestURI());
        if (StreamRefusals.isGrpcCall(request)) {
            StreamRefusals.grpc(ctx, request, GrpcStatus.RESOURCE_EXHAUSTED, reason);
        } else {
            StreamRefusals.http(ctx, request, 431);
        }
        return ctx.getStopAction();
    }

    /**
     * The request's header list as RFC 9113 §6.5.2 sizes it: the four request pseudo-header
     * fields (Grizzly keeps {@code :authority} as the {@code host} header) and every header
     * field, name and value lengths plus 32 each.
     */
    static long headerListSize(HttpRequestPacket request) {
        String query = request.getQueryString();
        long path = request.getRequestURIRef().getRequestURIBC().getLength() + (query == null ? 0 : query.length() + 1);
        long size = ":method".length() + request.getMethod().getMethodString().length() + FIELD_OVERHEAD
                + ":scheme".length() + (request.isSecure() ? 5 : 4) + FIELD_OVERHEAD
                + ":path".length() + path + FIELD_OVERHEAD;
        MimeHeaders headers = request.getHeaders();
        for (int i = 0; i < headers.size(); i++) {
            size += headers.getName(i).getLength() + headers.getValue(i).getLength() + FIELD_OVERHEAD;
        }
        return size;
    }

    private static void discard(HttpContent content) {
        if (!HttpContent.isBroken(content)) { // a broken content's getContent() throws
            content.getContent().tryDispose();
        }
    }
}
