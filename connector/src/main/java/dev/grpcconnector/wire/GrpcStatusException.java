package dev.grpcconnector.wire;

/**
 * A call cannot go on: the client gets {@link #status()} with {@link #getMessage()} as
 * its {@code grpc-message}. Thrown by decoding and translation; the connector turns it
 * into a trailers-only response and one log line, and the connection keeps serving.
 */
public final class GrpcStatusException extends Exception {
    private static final long serialVersionUID = 1L;

    private final GrpcStatus status;

    public GrpcStatusException(GrpcStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public GrpcStatus status() {
        return status;
    }
}
