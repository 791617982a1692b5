package dev.grpcconnector.edge;

import io.grpc.Status;

/**
 * What Envoy makes of a gRPC status for the browser: the HTTP status of
 * {@code Grpc::Utility::grpcToHttpStatus} (contract fact 13) and the JSON
 * {@code google.rpc.Status} of {@code convert_grpc_status} with
 * {@code always_print_primitive_fields} (fact 14).
 */
final class GrpcHttpStatus {

    /** Indexed by gRPC code 0..16. */
    private static final int[] HTTP = {200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401};

    private GrpcHttpStatus() {
    }

    static int httpStatus(Status status) {
        int code = status.getCode().value();
        return code >= 0 && code < HTTP.length ? HTTP[code] : 500;
    }

    /**
     * {@code {"code":N,"message":"...","details":[]}}. The details are always empty: the
     * edge builds the status from {@code grpc-status} and {@code grpc-message} only (the
     * connector sends no {@code grpc-status-details-bin}).
     */
    static String json(Status status) {
        String message = status.getDescription() == null ? "" : status.getDescription();
        return "{\"code\":" + status.getCode().value() + ",\"message\":" + quote(message) + ",\"details\":[]}";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
