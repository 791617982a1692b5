package dev.grpcconnector.translate;

import dev.grpcconnector.wire.GrpcStatus;
import dev.grpcconnector.wire.GrpcStatusException;
import java.util.List;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.ContentType;
import org.glassfish.grizzly.http.util.DataChunk;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.MimeHeaders;

/**
 * Turns the gRPC request Envoy sent back into the browser's HTTP request, in place, on
 * the request packet Grizzly's HTTP/2 filter created for the stream (so the stream
 * binding and the response packet stay as they are). The mapping is the Envoy contract's
 * (§1): method from the last {@code x-envoy-original-method}, path and query raw from
 * {@code x-envoy-original-path}, Host from {@code x-forwarded-host} else
 * {@code :authority}, client address from {@code X-Forwarded-For}, content type from the
 * HttpBody, every other metadata entry a request header. Scheme and {@code isSecure()}
 * follow {@code X-Forwarded-Proto} through GlassFish's own {@code scheme-mapping}.
 */
public final class RequestTranslator {
    public static final String ORIGINAL_METHOD = "x-envoy-original-method";
    public static final String ORIGINAL_PATH = "x-envoy-original-path";
    private static final String FORWARDED_HOST = "x-forwarded-host";
    private static final String FORWARDED_FOR = "x-forwarded-for";

    /** gRPC transport metadata that means nothing to the application. */
    private static final List<String> GRPC_ONLY_HEADERS = List.of(
            ORIGINAL_METHOD, ORIGINAL_PATH, "te", "content-length", "content-type",
            "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "grpc-message-type");

    private final int trustedProxyHops;

    public RequestTranslator(int trustedProxyHops) {
        this.trustedProxyHops = trustedProxyHops;
    }

    /**
     * Rewrites {@code request}. Nothing is changed when it throws.
     *
     * @param contentType the HttpBody's content type, empty for none
     * @param contentLength the body length when the whole body is known, 0 for none,
     *     -1 for a body still arriving
     * @throws GrpcStatusException {@code INVALID_ARGUMENT} for missing original method or
     *     path, a method that is not a token or is {@code CONNECT}, a path that is not a
     *     request target, CR, LF or NUL in any header value, and metadata HTTP/2 forbids
     *     ({@link HeaderHygiene})
     */
    public void translate(HttpRequestPacket request, String contentType, long contentLength)
            throws GrpcStatusException {
        MimeHeaders headers = request.getHeaders();
        String method = last(headers.values(ORIGINAL_METHOD));
        String target = last(headers.values(ORIGINAL_PATH));
        if (method == null) {
            throw invalid("missing " + ORIGINAL_METHOD + " metadata");
        }
        if (target == null) {
            throw invalid("missing " + ORIGINAL_PATH + " metadata");
        }
        if (!HeaderValues.isToken(method)) {
            throw invalid(ORIGINAL_METHOD + " is not an HTTP method token");
        }
        if (method.equalsIgnoreCase("CONNECT")) {
            // A tunnel, not a request the application can answer (RFC 9110 §9.3.6); Envoy's
            // transcoder never sends one, only a client that calls the listener directly.
            throw invalid(ORIGINAL_METHOD + " CONNECT is not supported");
        }
        if (!HeaderValues.isRequestTarget(target)) {
            throw invalid(ORIGINAL_PATH + " is not an origin-form request target");
        }
        if (HeaderValues.hasForbiddenChar(contentType)) {
            throw invalid("HttpBody content_type contains CR, LF or NUL");
        }
        checkHeaders(headers);
        HeaderHygiene.check(request);
        String forwardedHost = last(headers.values(FORWARDED_HOST));
        String clientAddress = ClientAddress.fromForwardedFor(headers.values(FORWARDED_FOR), trustedProxyHops);

        for (String name : GRPC_ONLY_HEADERS) {
            headers.removeHeader(name);
        }
        request.setMethod(method);
        int query = target.indexOf('?');
        request.setRequestURI(query < 0 ? target : target.substring(0, query));
        request.setQueryString(query < 0 ? null : target.substring(query + 1));
        if (forwardedHost != null && !forwardedHost.isEmpty()) {
            // In place: Grizzly's request keeps a reference to the Host value it parses
            // the server name and port from; a new header entry would be ignored.
            DataChunk host = headers.getValue(Header.Host);
            if (host == null) {
                headers.addValue(Header.Host).setString(forwardedHost);
            } else {
                host.setString(forwardedHost);
            }
        }
        if (clientAddress != null) {
            request.remoteAddr().setString(clientAddress);
            // The remote host too: left unset, Grizzly answers getRemoteHost() with a reverse
            // lookup of the connection's peer, i.e. Envoy's name, and GlassFish's access log
            // (%client.name%, in its default format) would show the edge for every request.
            // No lookup of the forwarded address: the servlet spec lets the host be the address.
            request.remoteHost().setString(clientAddress);
        }
        if (!contentType.isEmpty()) {
            headers.setValue(Header.ContentType).setString(contentType);
        }
        request.setContentType(ContentType.newContentType(contentType.isEmpty() ? null : contentType));
        if (contentLength > 0) {
            request.setContentLengthLong(contentLength);
            headers.setValue(Header.ContentLength).setString(Long.toString(contentLength));
        } else if (contentLength == 0) {
            // No body: no Content-Length either, as a browser's GET has none (Envoy removed
            // whatever the browser sent, so an empty POST's "Content-Length: 0" is lost too).
            request.setContentLengthLong(-1);
        } else {
            // A body of unknown length, as HTTP/1.1 chunked encoding would carry it: without
            // this mark Grizzly's Request.parseRequestParameters ignores the body of a form
            // POST whose length it does not know.
            request.setChunked(true);
        }
    }

    private static void checkHeaders(MimeHeaders headers) throws GrpcStatusException {
        for (int i = 0; i < headers.size(); i++) {
            if (HeaderValues.hasForbiddenChar(headers.getName(i).toString())) {
                throw invalid("a metadata key contains CR, LF or NUL");
            }
            if (HeaderValues.hasForbiddenChar(headers.getValue(i).toString())) {
                throw invalid("metadata " + headers.getName(i) + " contains CR, LF or NUL");
            }
        }
    }

    private static String last(Iterable<String> values) {
        String last = null;
        for (String value : values) {
            last = value;
        }
        return last;
    }

    private static GrpcStatusException invalid(String message) {
        return new GrpcStatusException(GrpcStatus.INVALID_ARGUMENT, message);
    }
}
