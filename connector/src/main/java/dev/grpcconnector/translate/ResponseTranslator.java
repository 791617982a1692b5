package dev.grpcconnector.translate;

import java.util.Set;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.util.ContentType;
import org.glassfish.grizzly.http.util.MimeHeaders;

/**
 * Turns the application's HTTP response head into a gRPC response head, in place, just
 * before Grizzly's HTTP/2 filter encodes it: {@code :status 200},
 * {@code content-type: application/grpc}, the real status as {@code x-http-code}, and
 * every application header as initial metadata (one entry per {@code Set-Cookie}).
 * Content type and length never become metadata: the type travels in the HttpBody
 * (Envoy sets the browser's header from it, contract fact 12), the length would be wrong
 * for the framed body, and hop-by-hop headers mean nothing across a proxy.
 *
 * <p><b>Bodyless responses</b> (HEAD, 204, 304): Envoy's transcoder gives the browser
 * {@code application/json} and, for {@code Stream}, no length, whatever the application
 * said, because a streamed HttpBody response has no length and may have no message to
 * take a type from (contract fact 10 and 12; docs/envoy.md, "HEAD, 204 and 304"). So the
 * head of a bodyless response also carries what the application declared, for the edge's
 * Lua filter to restore: {@link #CONTENT_TYPE} (the type, or empty when the application
 * set none) and, for HEAD and 304, {@link #CONTENT_LENGTH} when the application declared a
 * length. Both are removed when an application sets them itself, so only the connector
 * can make the edge announce a length, and only for a response that has no body.
 */
public final class ResponseTranslator {
    public static final String HTTP_CODE = "x-http-code";
    /** A bodyless response's content type as the application declared it, empty for none. */
    public static final String CONTENT_TYPE = "x-http-content-type";
    /** A HEAD or 304 response's Content-Length as the application declared it. */
    public static final String CONTENT_LENGTH = "x-http-content-length";
    private static final Set<String> DROPPED = Set.of(
            "content-type", "content-length", "transfer-encoding", "connection", "keep-alive",
            "proxy-connection", "upgrade", "te", "trailer", CONTENT_TYPE, CONTENT_LENGTH);

    private ResponseTranslator() {
    }

    /**
     * Rewrites {@code response} and returns what the body messages need to know.
     */
    public static ResponseHead translate(HttpResponsePacket response) {
        int status = response.getStatus();
        String contentType = response.getContentType();
        long contentLength = response.getContentLength();
        MimeHeaders headers = response.getHeaders();
        for (String name : DROPPED) {
            headers.removeHeader(name);
        }
        headers.setValue(HTTP_CODE).setString(Integer.toString(status));
        ResponseHead head = new ResponseHead(status, contentType == null ? "" : contentType);
        HttpRequestPacket request = response.getRequest();
        boolean headRequest = request != null && Method.HEAD.equals(request.getMethod());
        if (!head.hasBody(headRequest)) {
            headers.setValue(CONTENT_TYPE).setString(head.contentType());
            if (contentLength >= 0 && (headRequest || status == 304) && status >= 200 && status != 204) {
                headers.setValue(CONTENT_LENGTH).setString(Long.toString(contentLength));
            }
        }
        response.setStatus(200);
        response.setContentType(grpcContentType());
        response.setContentLengthLong(-1);
        response.setChunked(false);
        response.setExpectContent(true);
        return head;
    }

    /** A fresh holder each time: Grizzly's ContentType caches bytes and is not thread-safe. */
    public static ContentType grpcContentType() {
        return ContentType.newContentType("application/grpc");
    }

    /**
     * The application's status and content type, taken before the head was rewritten.
     */
    public record ResponseHead(int status, String contentType) {
        /** HEAD responses and 1xx, 204 and 304 carry no body (RFC 9110 §6.4.1). */
        public boolean hasBody(boolean headRequest) {
            return !headRequest && status >= 200 && status != 204 && status != 304;
        }
    }
}
