package dev.grpcconnector.translate;

import dev.grpcconnector.wire.GrpcStatus;
import dev.grpcconnector.wire.GrpcStatusException;
import java.util.List;
import java.util.Locale;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.DataChunk;
import org.glassfish.grizzly.http.util.MimeHeaders;

/**
 * The HTTP/2 rules for request header fields (RFC 9113 §8.2) that Grizzly 5.0.0 does not
 * enforce, checked on a call's metadata before it becomes the application's request
 * headers. A call that breaks one is malformed (§8.1.1) and is refused with
 * {@code INVALID_ARGUMENT}; Envoy never sends one (its HTTP/1 codec trims values, its
 * connection manager removes hop-by-hop headers), so only a client that bypasses it can.
 *
 * <ul>
 * <li>No connection-specific field (§8.2.2): {@code connection}, {@code keep-alive},
 *     {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade}. A
 *     {@code transfer-encoding} next to the body the connector passes on is the shape of a
 *     request-smuggling attempt: the application, or a proxy behind it, could frame the
 *     body differently from the connector.
 * <li>A field name is an RFC 9110 token (§8.2.1): no space, no {@code :} (only
 *     pseudo-header fields begin with one, and Grizzly has taken those out), no control or
 *     non-ASCII character. Uppercase letters are left alone: Grizzly itself files
 *     {@code :authority} under {@code Host}, and HPACK names are compared case-insensitively
 *     by every HTTP/1.1 consumer anyway.
 * <li>A field value neither starts nor ends with a space or horizontal tab (§8.2.1): an
 *     HTTP/1.1 parser would have trimmed it, so the application would otherwise see a
 *     value no HTTP/1.1 client can send.
 * </ul>
 * CR, LF and NUL in names and values are refused by {@link RequestTranslator} already.
 */
final class HeaderHygiene {
    /** Connection-specific header fields, RFC 9113 §8.2.2. */
    static final List<String> CONNECTION_SPECIFIC = List.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    private HeaderHygiene() {
    }

    static void check(HttpRequestPacket request) throws GrpcStatusException {
        if (!request.getUpgradeDC().isNull()) { // Grizzly keeps Upgrade apart from the other headers
            throw invalid("connection-specific header upgrade in an HTTP/2 request (RFC 9113 §8.2.2)");
        }
        MimeHeaders headers = request.getHeaders();
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.getName(i).toString();
            if (!isFieldName(name)) {
                throw invalid("metadata key '" + printable(name) + "' is not a token (RFC 9113 §8.2.1)");
            }
            if (CONNECTION_SPECIFIC.contains(name.toLowerCase(Locale.ROOT))) {
                throw invalid("connection-specific header " + name + " in an HTTP/2 request (RFC 9113 §8.2.2)");
            }
            if (hasSurroundingWhitespace(headers.getValue(i))) {
                throw invalid("metadata " + name + " has a value with leading or trailing whitespace (RFC 9113 §8.2.1)");
            }
        }
    }

    /** An RFC 9110 token. */
    static boolean isFieldName(String name) {
        return HeaderValues.isToken(name);
    }

    private static boolean hasSurroundingWhitespace(DataChunk value) {
        String v = value.toString();
        if (v == null || v.isEmpty()) {
            return false;
        }
        char first = v.charAt(0);
        char last = v.charAt(v.length() - 1);
        return first == ' ' || first == '\t' || last == ' ' || last == '\t';
    }

    /** The name for a log line or message: control and non-ASCII characters as {@code \\uXXXX}. */
    private static String printable(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length() && i < 64; i++) {
            char c = name.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }

    private static GrpcStatusException invalid(String message) {
        return new GrpcStatusException(GrpcStatus.INVALID_ARGUMENT, message);
    }
}
