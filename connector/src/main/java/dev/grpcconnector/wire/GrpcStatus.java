package dev.grpcconnector.wire;

/**
 * The gRPC status codes the connector sends, with their numeric wire values
 * (<a href="https://grpc.github.io/grpc/core/md_doc_statuscodes.html">gRPC status codes</a>).
 */
public enum GrpcStatus {
    OK(0),
    CANCELLED(1),
    UNKNOWN(2),
    INVALID_ARGUMENT(3),
    DEADLINE_EXCEEDED(4),
    NOT_FOUND(5),
    RESOURCE_EXHAUSTED(8),
    UNIMPLEMENTED(12),
    INTERNAL(13),
    UNAVAILABLE(14),
    UNAUTHENTICATED(16);

    private final int code;

    GrpcStatus(int code) {
        this.code = code;
    }

    /** The value of the {@code grpc-status} header. */
    public String wireValue() {
        return Integer.toString(code);
    }

    public int code() {
        return code;
    }
}
