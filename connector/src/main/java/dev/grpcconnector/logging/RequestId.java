package dev.grpcconnector.logging;

import org.glassfish.grizzly.http.HttpHeader;

/**
 * The request id of a call, as the connector's log lines show it: the {@code x-request-id}
 * Envoy generates for each browser request (or passes on from a trusted edge) and sends
 * upstream, so that a line of server.log can be matched to Envoy's access log and to the
 * trace ({@code traceparent}) of the same request. The header itself reaches the
 * application untouched; only the log text is made safe here.
 *
 * <p>The value is the peer's input: it is cut at {@value #MAX_LENGTH} characters and every
 * character outside printable ASCII is shown as {@code ?}, so a log line cannot be split or
 * forged with it.
 */
public final class RequestId {
    /** The request-id header Envoy's connection manager sets (contract: {@code generate_request_id}). */
    public static final String HEADER = "x-request-id";
    static final int MAX_LENGTH = 128;

    private RequestId() {
    }

    /**
     * The text to append to a call's log detail: {@code ", x-request-id VALUE"}, or the
     * empty string when the request has none.
     */
    public static String suffix(HttpHeader request) {
        String value = request == null ? null : request.getHeader(HEADER);
        if (value == null || value.isEmpty()) {
            return "";
        }
        return ", " + HEADER + " " + printable(value);
    }

    static String printable(String value) {
        int length = Math.min(value.length(), MAX_LENGTH);
        StringBuilder b = new StringBuilder(length + 3);
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            b.append(c > 0x20 && c < 0x7f ? c : '?');
        }
        if (value.length() > MAX_LENGTH) {
            b.append("...");
        }
        return b.toString();
    }
}
