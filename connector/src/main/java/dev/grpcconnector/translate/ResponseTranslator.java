package dev.grpcconnector.translate;

import java.util.Set;
import org.glassfish.grizzly.http.HttpResponsePacket;
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
 */
public final class ResponseTranslator {
    public static final String HTTP_CODE = "x-http-code";
    private static final Set<String> DROPPED = Set.of(
            "content-type", "content-length", "transfer-encoding", "connection", "keep-alive",
            "proxy-connection", "upgrade", "te", "trailer");

    private ResponseTranslator() {
    }

    /**
     * Rewrites {@code response} and returns what the body messages need to know.
     */
    public static ResponseHead translate(HttpResponsePacket response) {
        int status = response.getStatus();
        String contentType = response.getContentType();
        MimeHeaders headers = response.getHeaders();
        for (String name : DROPPED) {
            headers.removeHeader(name);
        }
        headers.setValue(HTTP_CODE).setString(Integer.toString(status));
        response.setStatus(200);
        response.setContentType(grpcContentType());
        response.setContentLengthLong(-1);
        response.setChunked(false);
        response.setExpectContent(true);
        return new ResponseHead(status, contentType == null ? "" : contentType);
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
