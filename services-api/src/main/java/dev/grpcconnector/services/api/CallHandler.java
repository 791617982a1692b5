package dev.grpcconnector.services.api;

/**
 * Starts calls of the services it was registered for
 * ({@link TypedServiceRegistry#register}).
 */
@FunctionalInterface
public interface CallHandler {

    /**
     * Starts one call. Nothing is sent to the application before this returns.
     *
     * @param fullMethodName {@code package.Service/Method}
     * @param headers the request metadata
     * @param timeoutNanos the call's {@code grpc-timeout} in nanoseconds, or {@code -1}
     *     for none; the deadline counts from the moment the connector received the call
     * @param sink where the application sends the response
     * @return where the connector sends the request
     */
    CallSource start(String fullMethodName, Metadata headers, long timeoutNanos, CallSink sink);
}
