package dev.grpcconnector.services.api;

/**
 * The response side of one call, as the connector writes it. The application calls it
 * from any thread, one event at a time: at most one {@link #headers}, then messages, then
 * exactly one {@link #close}.
 */
public interface CallSink {

    /** The response headers (initial metadata). Without it, {@link #close} is sent trailers-only. */
    void headers(Metadata headers);

    /** One response message, within what the connector requested ({@link CallSource#request}). */
    void message(byte[] message);

    /**
     * Ends the call.
     *
     * @param statusCode the gRPC status code (0 is OK)
     * @param description the status description, or {@code null}
     * @param trailers further trailers
     */
    void close(int statusCode, String description, Metadata trailers);

    /** The application can take request messages again ({@link CallSource#isReady}). */
    void onReady();
}
