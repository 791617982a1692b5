/**
 * How an application's typed gRPC services reach the connector's listener.
 *
 * <p>Only JDK types cross this boundary: the connector bundle embeds no grpc-java, and an
 * application brings its own (the companion library {@code grpc-connector-services} does the
 * grpc-java side). A service is registered under its full gRPC service name with a
 * {@link dev.grpcconnector.services.api.CallHandler}; for every call the connector starts
 * a call through it and the two sides then exchange events:
 *
 * <pre>
 * connector ──CallSource: message, halfClose, request(n), cancel──▶ application
 * connector ◀──CallSink: headers, message, close, onReady───────── application
 * </pre>
 *
 * <p>The connector calls a {@code CallHandler} and a {@code CallSource} only from its
 * application threads, one event of a call at a time, in order. The application may call
 * a {@code CallSink} from any thread, one event of a call at a time.
 */
package dev.grpcconnector.services.api;
