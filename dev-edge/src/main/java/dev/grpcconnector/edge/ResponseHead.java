package dev.grpcconnector.edge;

import com.google.api.HttpBody;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The browser's response status and headers, decided once from what the gRPC call has
 * delivered when the edge must commit them: Envoy's transcoder holds the headers back
 * until the first HttpBody message or the end of the call (contract fact 10).
 *
 * <ul>
 *   <li>Initial metadata becomes response headers, each entry its own header line (so
 *       every {@code set-cookie} stays separate, fact 17), except gRPC framing entries
 *       and hop-by-hop headers. Trailing metadata is never merged (fact 13, R6), except
 *       for a trailers-only response, whose one metadata block is Envoy's response
 *       header block.</li>
 *   <li>The status is {@code x-http-code} when the gRPC outcome maps to 200, as the
 *       production Lua filter does ({@code :status == "200"} only, fact 16); the header
 *       itself is removed. Other outcomes map through {@link GrpcHttpStatus}.</li>
 *   <li>The content type is the first message's (application/json when it has none, as
 *       Envoy leaves its default, fact 12 and R5).</li>
 *   <li>A bodyless response (HEAD, 204, 304) carries the application's own content
 *       headers, as the production Lua filter restores them when the outcome maps to 200:
 *       {@code x-http-content-type} replaces the content type (empty: none), and
 *       {@code x-http-content-length} is the length a GET would have (docs/envoy.md,
 *       "HEAD, 204 and 304").</li>
 * </ul>
 *
 * @param status the HTTP status
 * @param headers header lines in order, {@code Content-Type} included unless the
 *     response has none
 * @param wholeBody the complete body when the call's end was already known at commit
 *     time (sent with a Content-Length), else null: the body streams, chunked
 * @param declaredLength the application's Content-Length of a bodyless response, or null
 */
record ResponseHead(int status, List<Map.Entry<String, String>> headers, byte[] wholeBody, String declaredLength) {

    static final String JSON = "application/json";
    private static final String X_HTTP_CODE = "x-http-code";
    private static final String X_HTTP_CONTENT_TYPE = "x-http-content-type";
    private static final String X_HTTP_CONTENT_LENGTH = "x-http-content-length";

    /** Never copied from metadata to the browser. */
    private static final Set<String> NOT_COPIED = Set.of("content-type", "content-length", X_HTTP_CODE,
            X_HTTP_CONTENT_TYPE, X_HTTP_CONTENT_LENGTH,
            "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer");

    /** Removed from a trailers-only block turned into headers: the JSON body holds them (fact 14). */
    private static final Set<String> STATUS_ENTRIES = Set.of("grpc-status", "grpc-message", "grpc-status-details-bin");

    /**
     * The head when the first message arrives.
     *
     * @param initial the initial metadata (null if none came)
     * @param end the call's status when it had already ended right after this message,
     *     else null
     */
    static ResponseHead atFirstMessage(Metadata initial, HttpBody first, Status end) {
        String contentType = first.getContentType().isEmpty() ? JSON : first.getContentType();
        List<Map.Entry<String, String>> headers = headers(initial, Set.of());
        if (end == null || end.isOk()) {
            contentType = declaredType(initial, contentType);
            if (contentType != null) {
                headers.add(Map.entry("Content-Type", contentType));
            }
            return new ResponseHead(customStatus(initial, 200), headers,
                    end == null ? null : first.getData().toByteArray(), declaredLength(initial));
        }
        headers.add(Map.entry("Content-Type", contentType));
        byte[] body = first.getData().toByteArray();
        // An HttpBody then an error: the mapped status with the message as the body (fact 15, R4).
        headers.add(Map.entry("grpc-status", Integer.toString(end.getCode().value())));
        if (end.getDescription() != null) {
            headers.add(Map.entry("grpc-message", percentEncode(end.getDescription())));
        }
        return new ResponseHead(GrpcHttpStatus.httpStatus(end), headers, body, null);
    }

    /**
     * The head when the call ended before any message.
     *
     * @param initial the initial metadata, null for a trailers-only response
     */
    static ResponseHead atEndWithoutMessage(Metadata initial, Status status, Metadata trailers) {
        Metadata head = initial != null ? initial : trailers;
        List<Map.Entry<String, String>> headers = initial != null
                ? headers(initial, Set.of()) : headers(trailers, STATUS_ENTRIES);
        if (status.isOk()) {
            String contentType = declaredType(head, JSON);
            if (contentType != null) {
                headers.add(Map.entry("Content-Type", contentType));
            }
            return new ResponseHead(customStatus(head, 200), headers, new byte[0], declaredLength(head));
        }
        // convert_grpc_status (fact 14, R3, R8).
        headers.add(Map.entry("Content-Type", JSON));
        return new ResponseHead(GrpcHttpStatus.httpStatus(status), headers,
                GrpcHttpStatus.json(status).getBytes(StandardCharsets.UTF_8), null);
    }

    /** The Lua filter's content type: x-http-content-type's value, null when empty, else {@code transcoders}. */
    private static String declaredType(Metadata metadata, String transcoders) {
        String declared = metadata == null ? null : metadata.get(RequestMetadata.ascii(X_HTTP_CONTENT_TYPE));
        if (declared == null) {
            return transcoders;
        }
        return declared.isEmpty() ? null : declared;
    }

    /** The Lua filter's content length: x-http-content-length when it is a number. */
    private static String declaredLength(Metadata metadata) {
        String declared = metadata == null ? null : metadata.get(RequestMetadata.ascii(X_HTTP_CONTENT_LENGTH));
        return declared != null && declared.matches("[0-9]+") ? declared : null;
    }

    private static int customStatus(Metadata metadata, int mapped) {
        String code = metadata == null ? null : metadata.get(RequestMetadata.ascii(X_HTTP_CODE));
        if (code != null && code.matches("[2-5][0-9][0-9]")) {
            return Integer.parseInt(code);
        }
        return mapped;
    }

    private static List<Map.Entry<String, String>> headers(Metadata metadata, Set<String> alsoSkipped) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        if (metadata == null) {
            return headers;
        }
        for (String name : metadata.keys()) {
            if (NOT_COPIED.contains(name) || alsoSkipped.contains(name)) {
                continue;
            }
            if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                // As on the wire: unpadded base64.
                for (byte[] value : metadata.getAll(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER))) {
                    headers.add(Map.entry(name, Base64.getEncoder().withoutPadding().encodeToString(value)));
                }
            } else {
                for (String value : metadata.getAll(RequestMetadata.ascii(name))) {
                    headers.add(Map.entry(name, value));
                }
            }
        }
        return headers;
    }

    /** grpc-message's wire form: UTF-8, bytes outside 0x20..0x7e and '%' percent-encoded. */
    private static String percentEncode(String text) {
        StringBuilder b = new StringBuilder();
        for (byte c : text.getBytes(StandardCharsets.UTF_8)) {
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return b.toString();
    }
}
