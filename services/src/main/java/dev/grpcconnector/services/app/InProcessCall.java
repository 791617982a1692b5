package dev.grpcconnector.services.app;

import dev.grpcconnector.services.api.CallSink;
import dev.grpcconnector.services.api.CallSource;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * One call from the connector, carried on to the module's in-process grpc-java server as
 * a client call of raw bytes: the connector's request events become the client call's,
 * and the client call's listener events go back to the connector's {@link CallSink}.
 * The server's own marshallers parse the bytes, so the messages are exactly what the
 * client sent.
 */
final class InProcessCall implements CallSource {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final ClientCall<byte[], byte[]> call;

    private InProcessCall(ClientCall<byte[], byte[]> call) {
        this.call = call;
    }

    static InProcessCall start(Channel channel, String fullMethodName, CallOptions options, Metadata headers,
            CallSink sink) {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNKNOWN)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
        ClientCall<byte[], byte[]> call = channel.newCall(method, options);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata responseHeaders) {
                sink.headers(MetadataConversion.fromGrpc(responseHeaders));
            }

            @Override
            public void onMessage(byte[] message) {
                sink.message(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                sink.close(status.getCode().value(), status.getDescription(), MetadataConversion.fromGrpc(trailers));
            }

            @Override
            public void onReady() {
                sink.onReady();
            }
        }, headers);
        return new InProcessCall(call);
    }

    @Override
    public void message(byte[] message) {
        call.sendMessage(message);
    }

    @Override
    public void halfClose() {
        call.halfClose();
    }

    @Override
    public void request(int count) {
        call.request(count);
    }

    @Override
    public void cancel(String reason) {
        call.cancel(reason, null);
    }

    @Override
    public boolean isReady() {
        return call.isReady();
    }
}
