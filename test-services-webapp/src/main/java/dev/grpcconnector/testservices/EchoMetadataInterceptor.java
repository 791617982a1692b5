package dev.grpcconnector.testservices;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A plain grpc-java interceptor (a CDI bean): the request metadata {@code x-echo} comes
 * back as the response header {@code x-echoed}; every response's trailers carry
 * {@code x-trailer: done} and the binary {@code x-echo-bin} it was sent.
 */
@ApplicationScoped
public class EchoMetadataInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> ECHO = Metadata.Key.of("x-echo", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> ECHOED = Metadata.Key.of("x-echoed", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TRAILER = Metadata.Key.of("x-trailer", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<byte[]> ECHO_BIN = Metadata.Key.of("x-echo-bin", Metadata.BINARY_BYTE_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata requestHeaders,
            ServerCallHandler<Q, R> next) {
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata headers) {
                if (requestHeaders.containsKey(ECHO)) {
                    headers.put(ECHOED, requestHeaders.get(ECHO));
                }
                super.sendHeaders(headers);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                trailers.put(TRAILER, "done");
                if (requestHeaders.containsKey(ECHO_BIN)) {
                    trailers.put(ECHO_BIN, requestHeaders.get(ECHO_BIN));
                }
                super.close(status, trailers);
            }
        }, requestHeaders);
    }
}
