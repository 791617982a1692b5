package dev.grpcconnector.grizzly;

import dev.grpcconnector.health.HealthService;
import dev.grpcconnector.translate.RequestTranslator;
import java.io.IOException;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;

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
 * <p>Reading, it recognises gRPC calls to {@code grpcconnector.v1.HttpService} and
 * {@code grpc.health.v1.Health} and gives each its {@link HttpBodyCall}; writing, it hands
 * the stream's response packets to that call. Everything else —
 * HTTP/1.1, plain h2, gRPC to other services — passes through untouched.
 */
public final class HttpBodyCallFilter extends BaseFilter {
    static final String SERVICE_PREFIX = "/grpcconnector.v1.HttpService/";
    static final String HANDLE_PATH = SERVICE_PREFIX + "Handle";
    static final String STREAM_PATH = SERVICE_PREFIX + "Stream";

    private final int maxMessageBytes;
    private final RequestTranslator translator;
    private final HealthService health;
    private final ApplicationThreads applicationThreads;

    public HttpBodyCallFilter(String listenerName, int maxMessageBytes, int trustedProxyHops, int applicationThreads,
            HealthService health) {
        this.applicationThreads = new ApplicationThreads(listenerName, applicationThreads);
        this.maxMessageBytes = maxMessageBytes;
        this.translator = new RequestTranslator(trustedProxyHops);
        this.health = health;
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content) || !content.getHttpHeader().isRequest()) {
            return ctx.getInvokeAction();
        }
        HttpRequestPacket request = (HttpRequestPacket) content.getHttpHeader();
        HttpBodyCall call = (HttpBodyCall) request.getAttribute(HttpBodyCall.ATTRIBUTE);
        if (call == null) {
            HttpBodyCall.Kind kind = classify(request);
            if (kind == null) {
                return ctx.getInvokeAction();
            }
            call = new HttpBodyCall(kind, request, maxMessageBytes, translator, health, applicationThreads);
            request.setAttribute(HttpBodyCall.ATTRIBUTE, call);
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
    static boolean isGrpcContentType(String contentType) {
        if (contentType == null || !contentType.regionMatches(true, 0, "application/grpc", 0, 16)) {
            return false;
        }
        return contentType.length() == 16 || contentType.charAt(16) == '+' || contentType.charAt(16) == ';';
    }
}
