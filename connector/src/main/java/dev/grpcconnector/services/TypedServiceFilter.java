package dev.grpcconnector.services;

import dev.grpcconnector.grizzly.HttpBodyCallFilter;
import dev.grpcconnector.logging.RefusalLog;
import dev.grpcconnector.services.api.CallHandler;
import dev.grpcconnector.services.api.TypedServiceRegistry;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;

/**
 * Serves the typed gRPC services applications registered in the
 * {@link TypedServiceRegistry}: a gRPC call (HTTP/2, {@code POST}, {@code application/grpc})
 * whose path names a registered service gets a {@link TypedCall}, which exchanges its
 * messages with the application; the web container never sees it. Every other request
 * passes on untouched.
 *
 * <p>It sits right after {@code HttpBodyCallFilter}, so a call reaches it only once the
 * edge is authenticated, and {@code HttpService} and {@code Health} calls never do:
 *
 * <pre>
 * … Http2ServerFilter → HeaderTableSizeFilter → HttpBodyCallFilter → TypedServiceFilter
 *     → FileCacheFilter → HttpServerFilter (ContainerMapper) → web container
 * </pre>
 *
 * <p>A service an application has not registered (or no longer: undeployed) is not this
 * filter's: its calls go on to the web container, as before typed services existed.
 */
public final class TypedServiceFilter extends BaseFilter {
    private static final Logger LOG = Logger.getLogger(TypedServiceFilter.class.getName());

    private final int maxMessageBytes;
    private final Executor applicationThreads;
    private final RefusalLog refusals;

    public TypedServiceFilter(String listenerName, int maxMessageBytes, Executor applicationThreads) {
        this.maxMessageBytes = maxMessageBytes;
        this.applicationThreads = applicationThreads;
        this.refusals = new RefusalLog(LOG, listenerName);
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) {
        if (!(ctx.getMessage() instanceof HttpContent content) || !content.getHttpHeader().isRequest()) {
            return ctx.getInvokeAction();
        }
        HttpRequestPacket request = (HttpRequestPacket) content.getHttpHeader();
        if (request.getAttribute(TypedCall.ATTRIBUTE) instanceof TypedCall call) {
            return call.onRead(ctx, content);
        }
        CallHandler handler = handlerFor(request);
        if (handler == null) {
            return ctx.getInvokeAction();
        }
        TypedCall call = new TypedCall(request, handler, maxMessageBytes, applicationThreads, refusals);
        request.setAttribute(TypedCall.ATTRIBUTE, call);
        return call.onRead(ctx, content);
    }

    /** The handler of a gRPC call to a registered service, else {@code null}. */
    private static CallHandler handlerFor(HttpRequestPacket request) {
        if (request.getProtocol() != Protocol.HTTP_2_0 || !Method.POST.equals(request.getMethod())
                || !HttpBodyCallFilter.isGrpcContentType(request.getHeader("content-type"))) {
            return null;
        }
        String service = serviceName(request.getRequestURI());
        return service == null ? null : TypedServiceRegistry.handler(service);
    }

    /** {@code pkg.Service} of {@code /pkg.Service/Method}, or {@code null} for another path. */
    static String serviceName(String path) {
        if (path == null || path.length() < 4 || path.charAt(0) != '/') {
            return null;
        }
        int slash = path.indexOf('/', 1);
        if (slash <= 1 || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
            return null;
        }
        return path.substring(1, slash);
    }
}
