package dev.grpcconnector.services.api;

/**
 * The request side of one call, as the application receives it. The connector calls it
 * from its application threads, one event at a time.
 */
public interface CallSource {

    /** One request message (the bytes of a gRPC message, uncompressed, without its prefix). */
    void message(byte[] message);

    /** The client sent its last message. */
    void halfClose();

    /**
     * The connector can take {@code count} more response messages
     * ({@link CallSink#message}); the application sends no more than requested.
     */
    void request(int count);

    /**
     * The call is over from the client's side: it reset the stream, or the connection
     * closed. Nothing more is sent to the client.
     */
    void cancel(String reason);

    /**
     * True while the application would take another request message without queueing it;
     * when it becomes true again it calls {@link CallSink#onReady}. The connector stops
     * reading the client's stream while this is false, so the client is held back by
     * HTTP/2 flow control.
     */
    boolean isReady();
}
