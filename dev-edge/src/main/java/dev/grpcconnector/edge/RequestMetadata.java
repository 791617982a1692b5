package dev.grpcconnector.edge;

import io.grpc.Metadata;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The gRPC metadata Envoy's transcoder and connection manager send for a browser request
 * (contract §1, facts 2–4), as the production {@code envoy.yaml} configures them:
 *
 * <ul>
 *   <li>{@code x-envoy-original-method} and {@code x-envoy-original-path} (the whole
 *       request target, query included) are Envoy's, set after everything else;</li>
 *   <li>client-supplied {@code x-envoy-original-*}, {@code x-forwarded-host} and
 *       {@code x-grpc-connector-secret} (the edge's own credential, see {@link DevEdge})
 *       are dropped, as the production route's {@code request_headers_to_remove} does (plain
 *       Envoy would append its method after a client's one, fact 3);</li>
 *   <li>{@code x-forwarded-proto} is {@code http} (the edge has no TLS), whatever the
 *       client said; {@code x-forwarded-for} gets the client's address appended, as an
 *       edge Envoy with {@code use_remote_address} does;</li>
 *   <li>hop-by-hop headers, {@code Content-Length}, {@code Expect} (the edge answers
 *       100-continue itself, fact 26) and {@code Host} (it becomes {@code :authority})
 *       are not forwarded; {@code Content-Type} travels in the first HttpBody only;</li>
 *   <li>every other header is one metadata entry per header line, in order.</li>
 * </ul>
 *
 * <p>grpc-java replaces a few entries with its own, so they cannot reach the connector as
 * the browser sent them: {@code user-agent} (the connector sees grpc-java's),
 * {@code te}, {@code grpc-timeout}, {@code grpc-encoding} and
 * {@code grpc-accept-encoding}.
 */
final class RequestMetadata {

    static final String ORIGINAL_METHOD = "x-envoy-original-method";
    static final String ORIGINAL_PATH = "x-envoy-original-path";
    private static final String FORWARDED_FOR = "x-forwarded-for";

    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "content-length", "content-type", "host", "expect", "te",
            "x-forwarded-host", "x-forwarded-proto", FORWARDED_FOR, DevEdge.SECRET_HEADER);

    private RequestMetadata() {
    }

    /**
     * @param headers the browser's request headers (any case of name; one list entry per
     *     header line)
     * @throws IllegalArgumentException for a header name gRPC metadata cannot carry
     */
    static Metadata of(Map<String, List<String>> headers, String method, String target, String clientAddress) {
        Metadata metadata = new Metadata();
        String forwardedFor = null;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals(FORWARDED_FOR)) {
                forwardedFor = String.join(", ", header.getValue());
            }
            if (NOT_FORWARDED.contains(name) || name.startsWith("x-envoy-original-")) {
                continue;
            }
            if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                throw new IllegalArgumentException("header " + name + " would be taken as binary gRPC metadata");
            }
            Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
            for (String value : header.getValue()) {
                metadata.put(key, value);
            }
        }
        metadata.put(ascii("x-forwarded-proto"), "http");
        metadata.put(ascii(FORWARDED_FOR), forwardedFor == null || forwardedFor.isBlank()
                ? clientAddress : forwardedFor + ", " + clientAddress);
        metadata.put(ascii(ORIGINAL_METHOD), method);
        metadata.put(ascii(ORIGINAL_PATH), target);
        return metadata;
    }

    static Metadata.Key<String> ascii(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
