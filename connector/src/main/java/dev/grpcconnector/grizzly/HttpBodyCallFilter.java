package dev.grpcconnector.grizzly;

import dev.grpcconnector.grizzly.workaround.ClientResetFilter;
import dev.grpcconnector.health.HealthService;
import dev.grpcconnector.logging.RefusalLog;
import dev.grpcconnector.logging.RequestId;
import dev.grpcconnector.memory.MemoryBudget;
import dev.grpcconnector.security.EdgeAuthentication;
import dev.grpcconnector.translate.RequestTranslator;
import dev.grpcconnector.wire.GrpcStatus;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.memory.Buffers;

/**
 * The connector's filter. It sits right after Grizzly's {@code Http2ServerFilter}, where
 * every HTTP/2 stream already has its own request packet, and before GlassFish's
 * {@code HttpServerFilter}, which runs the web container:
 *
 * <pre>
 * Transport → IdleTimeout → HTTP/1 codec → Http2ServerFilter → HeaderTableSizeFilter
 *     → HttpBodyCallFilter → FileCacheFilter → HttpServerFilter (ContainerMapper) → app
 * </pre>
 *
 * <p>Reading, it first asks {@link EdgeAuthentication} whether the request comes from the
 * listener's edge; a request that does not is answered here ({@code UNAUTHENTICATED}
 * trailers-only for a gRPC call, 403 for anything else) and never reaches the
 * application, and a rate-limited line is logged. It then recognises gRPC calls to
 * {@code grpcconnector.v1.HttpService} and {@code grpc.health.v1.Health} and gives each its
 * {@link HttpBodyCall}; writing, it hands the stream's response packets to that call.
 * Every other authenticated request — HTTP/1.1, plain h2, gRPC to other services — passes
 * through untouched. Health checks need no credential (see
 * {@link EdgeAuthentication#healthCheckRefusal}).
 */
public final class HttpBodyCallFilter extends BaseFilter {
    private static final Logger LOG = Logger.getLogger(HttpBodyCallFilter.class.getName());
    /** Request attribute: the request was refused, its remaining content is dropped. */
    private static final String REFUSED = HttpBodyCallFilter.class.getName() + ".refused";
    /** Request attribute: the request passed authentication (it is no connector call, so it has no call attribute). */
    private static final String TRUSTED = HttpBodyCallFilter.class.getName() + ".trusted";
    static final String UNAUTHENTICATED_MESSAGE = "not authenticated: this listener serves only its own edge";
    static final String TOO_MANY_CALLS_MESSAGE = "too many calls in flight on this connection";

    static final String SERVICE_PREFIX = "/grpcconnector.v1.HttpService/";
    static final String HANDLE_PATH = SERVICE_PREFIX + "Handle";
    static final String STREAM_PATH = SERVICE_PREFIX + "Stream";

    private final int maxMessageBytes;
    private final RequestTranslator translator;
    private final HealthService health;
    private final ApplicationThreads applicationThreads;
    private final EdgeAuthentication authentication;
    private final RefusalLog refusals;
    private final CallLimits limits;
    private final MemoryBudget memoryBudget;

    /**
     * @param memoryBudget what the listener's calls may hold together, shared by all its calls
     */
    public HttpBodyCallFilter(String listenerName, int maxMessageBytes, int trustedProxyHops, int applicationThreads,
            HealthService health, EdgeAuthentication authentication, MemoryBudget memoryBudget, CallLimits limits) {
        this.memoryBudget = memoryBudget;
        this.limits = limits;
        this.applicationThreads = new ApplicationThreads(listenerName, applicationThreads);
        this.authentication = authentication;
        this.refusals = new RefusalLog(LOG, listenerName);
        this.maxMessageBytes = maxMessageBytes;
        this.translator = new RequestTranslator(trustedProxyHops);
        this.health = health;
    }

    /** The connector's application threads of this listener, for the other calls it serves (typed services). */
    public Executor applicationThreads() {
        return applicationThreads;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content) || !content.getHttpHeader().isRequest()) {
            return ctx.getInvokeAction();
        }
        HttpRequestPacket request = (HttpRequestPacket) content.getHttpHeader();
        HttpBodyCall call = (HttpBodyCall) request.getAttribute(HttpBodyCall.ATTRIBUTE);
        if (call == null) {
            if (request.getAttribute(REFUSED) != null) {
                discard(content);
                return ctx.getStopAction();
            }
            HttpBodyCall.Kind kind = classify(request);
            if (request.getAttribute(TRUSTED) == null) {
                String refusal = kind == HttpBodyCall.Kind.HEALTH_CHECK
                        ? authentication.healthCheckRefusal(request) : authentication.refusal(request);
                if (refusal != null) {
                    return refuse(ctx, request, content, kind != null, refusal);
                }
                request.setAttribute(TRUSTED, Boolean.TRUE);
            }
            if (kind == null) {
                return ctx.getInvokeAction();
            }
            CallsPerConnection.Slot slot = CallsPerConnection.tryAcquire(ctx.getConnection(), limits.maxCallsPerConnection());
            if (slot == null) {
                return refuseOverLimit(ctx, request, content);
            }
            call = new HttpBodyCall(kind, request, maxMessageBytes, translator, health, applicationThreads, refusals,
                    memoryBudget.newCall(), limits.idleTimeoutNanos(), slot);
            request.setAttribute(HttpBodyCall.ATTRIBUTE, call);
            request.setAttribute(ClientResetFilter.RESET_LISTENER, (Runnable) call::clientCancelled);
        }
        return call.onRead(ctx, content);
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof HttpPacket packet) {
            HttpHeader header = packet.getHttpHeader();
            if (!header.isRequest()) {
                HttpBodyCall call = callOf(((HttpResponsePacket) header).getRequest());
                if (call != null) {
                    return call.onWrite(ctx, packet);
                }
            }
        }
        return ctx.getInvokeAction();
    }

    /**
     * Answers a request that did not come from the edge, and drops the rest of it: a gRPC
     * call gets {@code UNAUTHENTICATED} trailers-only, anything else an empty 403 (over
     * HTTP/1.1 the connection is then closed, as the unread body cannot be skipped safely).
     */
    private NextAction refuse(FilterChainContext ctx, HttpRequestPacket request, HttpContent content, boolean grpc,
            String reason) {
        refusals.refused(Level.WARNING, (grpc ? "call" : "request") + " refused, unauthenticated: " + reason, "from " + ctx.getConnection().getPeerAddress()
                + ", " + request.getMethod() + " " + request.getRequestURI() + RequestId.suffix(request));
        request.setAttribute(REFUSED, Boolean.TRUE);
        discard(content);
        if (grpc) {
            GrpcResponder.trailersOnly(ctx, request, GrpcStatus.UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE);
            return ctx.getStopAction();
        }
        HttpResponsePacket response = request.getResponse();
        response.setStatus(HttpStatus.FORBIDDEN_403);
        response.setContentLength(0);
        if (request.getProtocol() != Protocol.HTTP_2_0) {
            response.getProcessingState().setKeepAlive(false);
            response.setHeader(Header.Connection, "close");
        }
        ctx.write(HttpContent.builder(response).content(Buffers.EMPTY_BUFFER).last(true).build());
        ctx.notifyDownstream(HttpServerFilter.RESPONSE_COMPLETE_EVENT);
        return ctx.getStopAction();
    }

    /**
     * Refuses a call beyond the connection's limit of calls in flight ({@link CallsPerConnection})
     * with {@code RESOURCE_EXHAUSTED} trailers-only, before the application sees it.
     */
    private NextAction refuseOverLimit(FilterChainContext ctx, HttpRequestPacket request, HttpContent content) {
        refusals.refused(Level.WARNING, "call refused: " + TOO_MANY_CALLS_MESSAGE + " (limit " + limits.maxCallsPerConnection() + ")",
                "from " + ctx.getConnection().getPeerAddress() + ", " + request.getRequestURI() + RequestId.suffix(request));
        request.setAttribute(REFUSED, Boolean.TRUE);
        discard(content);
        GrpcResponder.trailersOnly(ctx, request, GrpcStatus.RESOURCE_EXHAUSTED, TOO_MANY_CALLS_MESSAGE);
        return ctx.getStopAction();
    }

    private static void discard(HttpContent content) {
        if (!HttpContent.isBroken(content)) { // a broken content's getContent() throws
            content.getContent().tryDispose();
        }
    }

    private static HttpBodyCall callOf(HttpRequestPacket request) {
        return request == null ? null : (HttpBodyCall) request.getAttribute(HttpBodyCall.ATTRIBUTE);
    }

    /** The kind of call, or {@code null} for a request this filter leaves alone. */
    static HttpBodyCall.Kind classify(HttpRequestPacket request) {
        if (request.getProtocol() != Protocol.HTTP_2_0 || !Method.POST.equals(request.getMethod())
                || !isGrpcContentType(request.getHeader("content-type"))) {
            return null;
        }
        String path = request.getRequestURI();
        if (HANDLE_PATH.equals(path)) {
            return HttpBodyCall.Kind.HANDLE;
        } else if (STREAM_PATH.equals(path)) {
            return HttpBodyCall.Kind.STREAM;
        } else if (HealthService.CHECK_PATH.equals(path)) {
            return HttpBodyCall.Kind.HEALTH_CHECK;
        } else if (path.startsWith(SERVICE_PREFIX) || path.startsWith(HealthService.SERVICE_PREFIX)) {
            return HttpBodyCall.Kind.UNIMPLEMENTED;
        }
        return null;
    }

    /** {@code application/grpc}, optionally followed by {@code +format} or parameters. */
    public static boolean isGrpcContentType(String contentType) {
        if (contentType == null || !contentType.regionMatches(true, 0, "application/grpc", 0, 16)) {
            return false;
        }
        return contentType.length() == 16 || contentType.charAt(16) == '+' || contentType.charAt(16) == ';';
    }
}
