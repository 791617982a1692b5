package dev.grpcconnector.it;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Calls {@code grpcconnector.v1.HttpService/Handle} the way Envoy's gRPC-JSON transcoder
 * does: the original method and path (with raw query) in {@code x-envoy-original-method}
 * / {@code x-envoy-original-path}, {@code x-forwarded-proto} and {@code x-forwarded-for},
 * every other request header as metadata, and the body plus its content type as one
 * {@code google.api.HttpBody}.
 */
public final class HttpBodyClient implements AutoCloseable {

    public static final int MAX_INBOUND = 64 * 1024 * 1024;
    static final Metadata.Key<String> X_HTTP_CODE = key("x-http-code");

    private final ManagedChannel channel;

    private HttpBodyClient(ManagedChannel channel) {
        this.channel = channel;
    }

    /** A plaintext (h2c prior knowledge) channel to 127.0.0.1:port. */
    public static HttpBodyClient connect(int port) {
        return connect(port, null);
    }

    /** As {@link #connect(int)}, sending {@code authority} as :authority when not null. */
    public static HttpBodyClient connect(int port, String authority) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .maxInboundMessageSize(MAX_INBOUND)
                .maxInboundMetadataSize(1024 * 1024);
        if (authority != null) {
            b.overrideAuthority(authority);
        }
        return new HttpBodyClient(withSecret(b, EdgeSecret.CURRENT).build());
    }

    /**
     * A channel that sends {@code secret} (or, when {@code null}, no credential at all)
     * in {@value EdgeSecret#HEADER} instead of the test domains' current secret.
     */
    public static HttpBodyClient connectWithSecret(int port, String secret) {
        return new HttpBodyClient(withSecret(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(MAX_INBOUND).maxInboundMetadataSize(1024 * 1024), secret).build());
    }

    /**
     * A TLS channel (ALPN h2) to 127.0.0.1:port that presents {@code clientKeys} as its
     * client certificate ({@code null}: none), trusts only {@code trust}, and sends
     * {@code secret} ({@code null}: no secret), as Envoy's cluster with an
     * {@code UpstreamTlsContext} does.
     */
    public static HttpBodyClient connectTls(int port, javax.net.ssl.KeyManagerFactory clientKeys,
            javax.net.ssl.TrustManagerFactory trust, String secret) {
        io.grpc.TlsChannelCredentials.Builder tls = io.grpc.TlsChannelCredentials.newBuilder()
                .trustManager(trust.getTrustManagers());
        if (clientKeys != null) {
            tls.keyManager(clientKeys.getKeyManagers());
        }
        return new HttpBodyClient(withSecret(NettyChannelBuilder.forAddress("127.0.0.1", port, tls.build())
                .maxInboundMessageSize(MAX_INBOUND).maxInboundMetadataSize(1024 * 1024), secret).build());
    }

    /** Every call of the channel sends {@code secret} as the edge (Envoy's credential injector) does. */
    private static NettyChannelBuilder withSecret(NettyChannelBuilder builder, String secret) {
        if (secret != null) {
            Metadata credential = new Metadata();
            credential.put(key(EdgeSecret.HEADER), secret);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(credential));
        }
        return builder;
    }

    /**
     * A channel whose HTTP/2 receive windows stay at {@code window} bytes, both the stream
     * window (SETTINGS_INITIAL_WINDOW_SIZE) and the connection window.
     * {@code NettyChannelBuilder.flowControlWindow} (unlike {@code initialFlowControlWindow})
     * turns grpc-java's BDP-based auto-tuning off, so the window is never enlarged; and
     * grpc-java sets the connection window to the same value (it only sends a connection
     * WINDOW_UPDATE at start when the value exceeds the protocol's 65,535 default).
     * {@link SmallWindowIT} checks both from grpc-java's own frame log.
     */
    public static HttpBodyClient connectWithWindow(int port, int window) {
        return new HttpBodyClient(withSecret(NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .flowControlWindow(window)
                .maxInboundMessageSize(MAX_INBOUND)
                .maxInboundMetadataSize(1024 * 1024), EdgeSecret.CURRENT)
                .build());
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------ requests

    /** A request as the browser sent it to Envoy. */
    public static final class Request {
        String method;
        String path;
        String forwardedProto = "http";
        String forwardedFor = "127.0.0.1";
        final List<String[]> headers = new ArrayList<>();
        String contentType = "";
        byte[] body = new byte[0];
        long deadlineSeconds = 60;

        private Request(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public static Request of(String method, String path) {
            return new Request(method, path);
        }

        public static Request get(String path) {
            return new Request("GET", path);
        }

        /** Adds a header (metadata entry); several calls with one name give several entries. */
        public Request header(String name, String value) {
            headers.add(new String[] {name.toLowerCase(Locale.ROOT), value});
            return this;
        }

        public Request body(String contentType, byte[] body) {
            this.contentType = contentType == null ? "" : contentType;
            this.body = body;
            return this;
        }

        public Request body(String contentType, String body) {
            return body(contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        /** null leaves x-envoy-original-method out. */
        public Request method(String method) {
            this.method = method;
            return this;
        }

        /** null leaves x-envoy-original-path out. */
        public Request path(String path) {
            this.path = path;
            return this;
        }

        /** null leaves x-forwarded-proto out. */
        public Request forwardedProto(String proto) {
            this.forwardedProto = proto;
            return this;
        }

        /** null leaves x-forwarded-for out. */
        public Request forwardedFor(String xff) {
            this.forwardedFor = xff;
            return this;
        }

        public Request deadlineSeconds(long s) {
            this.deadlineSeconds = s;
            return this;
        }

        public Metadata metadata() {
            Metadata md = new Metadata();
            for (String[] h : headers) {
                md.put(key(h[0]), h[1]);
            }
            // Envoy appends its method after any client-supplied one and overwrites the path.
            if (method != null) {
                md.put(key("x-envoy-original-method"), method);
            }
            if (path != null) {
                md.put(key("x-envoy-original-path"), path);
            }
            if (forwardedProto != null) {
                md.put(key("x-forwarded-proto"), forwardedProto);
            }
            if (forwardedFor != null) {
                md.put(key("x-forwarded-for"), forwardedFor);
            }
            return md;
        }

        public HttpBody message() {
            return HttpBody.newBuilder().setContentType(contentType).setData(ByteString.copyFrom(body)).build();
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    // ----------------------------------------------------------------------- responses

    /** What the gRPC client got back. */
    public record Response(Status status, Metadata headers, HttpBody body, Metadata trailers) {

        /** x-http-code from the initial metadata, or -1. */
        public int httpCode() {
            String v = headers == null ? null : headers.get(X_HTTP_CODE);
            return v == null ? -1 : Integer.parseInt(v.trim());
        }

        public boolean ok() {
            return status.isOk();
        }

        /** True when the server answered with trailers only (no initial metadata, no message). */
        public boolean trailersOnly() {
            return headers == null;
        }

        /** All values of a response header (initial metadata), never null. */
        public List<String> header(String name) {
            if (headers == null) {
                return List.of();
            }
            Iterable<String> all = headers.getAll(key(name));
            List<String> out = new ArrayList<>();
            if (all != null) {
                all.forEach(out::add);
            }
            return out;
        }

        public String firstHeader(String name) {
            List<String> all = header(name);
            return all.isEmpty() ? null : all.get(0);
        }

        public byte[] data() {
            return body == null ? new byte[0] : body.getData().toByteArray();
        }

        public String text() {
            return new String(data(), StandardCharsets.UTF_8);
        }

        public String contentType() {
            return body == null ? null : body.getContentType();
        }

        /** The body parsed as JSON (for /echo and /upload). */
        public java.util.Map<String, Object> json() {
            return MiniJson.object(text());
        }

        @Override
        public String toString() {
            return "Response{grpc=" + status.getCode() + (status.getDescription() == null ? "" : " '" + status.getDescription() + "'")
                    + ", x-http-code=" + (headers == null ? "-" : headers.get(X_HTTP_CODE)) + ", headers=" + headers
                    + ", contentType=" + contentType() + ", " + data().length + " bytes, trailers=" + trailers + "}";
        }
    }

    /** Calls Handle (unary). Never throws for a gRPC error: it is in {@link Response#status()}. */
    public Response handle(Request request) {
        return call(HttpServiceGrpc.getHandleMethod(), request.metadata(), request.message(), request.deadlineSeconds);
    }

    /** What a {@code Stream} call got back: every response message, in order. */
    public record StreamResponse(Status status, Metadata headers, List<HttpBody> messages, Metadata trailers) {

        public int httpCode() {
            String v = headers == null ? null : headers.get(X_HTTP_CODE);
            return v == null ? -1 : Integer.parseInt(v.trim());
        }

        public boolean ok() {
            return status.isOk();
        }

        /** The data of all messages, concatenated. */
        public byte[] data() {
            ByteString all = ByteString.EMPTY;
            for (HttpBody m : messages) {
                all = all.concat(m.getData());
            }
            return all.toByteArray();
        }

        /** The content type of the first message (Envoy takes it from there), or null without messages. */
        public String contentType() {
            return messages.isEmpty() ? null : messages.get(0).getContentType();
        }

        /** As a {@link Response} (for the checks written for Handle); the body is the concatenated data. */
        public Response asResponse() {
            HttpBody body = messages.isEmpty() ? null
                    : HttpBody.newBuilder().setContentType(contentType()).setData(ByteString.copyFrom(data())).build();
            return new Response(status, headers, body, trailers);
        }

        @Override
        public String toString() {
            return "StreamResponse{grpc=" + status.getCode() + (status.getDescription() == null ? "" : " '" + status.getDescription() + "'")
                    + ", x-http-code=" + (headers == null ? "-" : headers.get(X_HTTP_CODE)) + ", headers=" + headers
                    + ", " + messages.size() + " messages, contentType=" + contentType() + ", " + data().length
                    + " bytes, trailers=" + trailers + "}";
        }
    }

    /**
     * Calls Stream the way Envoy does for a request it has whole: the request body as one
     * HttpBody, then half-close; collects every response message until the call ends.
     * Never throws for a gRPC error.
     */
    public StreamResponse stream(Request request) {
        StreamCall call = startStream(request);
        return call.await(request.deadlineSeconds + 10);
    }

    /**
     * The async stub for a call shaped by {@code request}: its metadata attached, its
     * deadline set, the response headers and trailers captured into the given references.
     */
    public HttpServiceGrpc.HttpServiceStub streamStub(Request request, AtomicReference<Metadata> headers,
            AtomicReference<Metadata> trailers) {
        return HttpServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(request.metadata()),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .withDeadlineAfter(request.deadlineSeconds, TimeUnit.SECONDS);
    }

    /** Starts a Stream call (one HttpBody, then half-close) without waiting for it. */
    public StreamCall startStream(Request request) {
        StreamCall call = new StreamCall();
        io.grpc.stub.StreamObserver<HttpBody> requests = streamStub(request, call.headers, call.trailers).stream(call);
        requests.onNext(request.message());
        requests.onCompleted();
        return call;
    }

    /** A running Stream call; also the observer of its responses. */
    public static final class StreamCall implements io.grpc.stub.StreamObserver<HttpBody> {
        final AtomicReference<Metadata> headers = new AtomicReference<>();
        final AtomicReference<Metadata> trailers = new AtomicReference<>();
        private final List<HttpBody> messages = java.util.Collections.synchronizedList(new ArrayList<>());
        private final java.util.concurrent.CompletableFuture<StreamResponse> done = new java.util.concurrent.CompletableFuture<>();

        @Override
        public void onNext(HttpBody value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            Status status = Status.fromThrowable(t);
            Metadata t2 = trailers.get() != null ? trailers.get() : Status.trailersFromThrowable(t);
            done.complete(new StreamResponse(status, headers.get(), List.copyOf(messages), t2));
        }

        @Override
        public void onCompleted() {
            done.complete(new StreamResponse(Status.OK, headers.get(), List.copyOf(messages), trailers.get()));
        }

        /** Completes when the call has ended (never exceptionally). */
        public java.util.concurrent.CompletableFuture<StreamResponse> future() {
            return done;
        }

        public StreamResponse await(long seconds) {
            try {
                return done.get(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("Stream call did not end within " + seconds + " s: " + e, e);
            }
        }
    }

    /**
     * Starts a Handle call on the async stub; the future completes (never exceptionally)
     * when the call has ended, on a grpc-java callback thread.
     */
    public java.util.concurrent.CompletableFuture<Response> startHandle(Request request) {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        AtomicReference<HttpBody> reply = new AtomicReference<>();
        java.util.concurrent.CompletableFuture<Response> done = new java.util.concurrent.CompletableFuture<>();
        HttpServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(request.metadata()),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .withDeadlineAfter(request.deadlineSeconds, TimeUnit.SECONDS)
                .handle(request.message(), new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(HttpBody value) {
                        reply.set(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        Metadata t2 = trailers.get() != null ? trailers.get() : Status.trailersFromThrowable(t);
                        done.complete(new Response(Status.fromThrowable(t), headers.get(), null, t2));
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(new Response(Status.OK, headers.get(), reply.get(), trailers.get()));
                    }
                });
        return done;
    }

    /** Calls Handle with an arbitrary message body (raw bytes as the gRPC message). */
    public RawResponse handleRaw(Metadata metadata, byte[] message) {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        ClientInterceptor[] interceptors = {
                MetadataUtils.newAttachHeadersInterceptor(metadata),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)};
        try {
            byte[] reply = ClientCalls.blockingUnaryCall(io.grpc.ClientInterceptors.intercept(channel, interceptors),
                    RAW_HANDLE, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), message);
            return new RawResponse(Status.OK, headers.get(), reply, trailers.get());
        } catch (StatusRuntimeException e) {
            return new RawResponse(e.getStatus(), headers.get(), null, trailers.get() != null ? trailers.get() : e.getTrailers());
        }
    }

    public record RawResponse(Status status, Metadata headers, byte[] message, Metadata trailers) {
    }

    private <Q, R> Response call(MethodDescriptor<HttpBody, HttpBody> method, Metadata metadata, HttpBody message,
                                 long deadlineSeconds) {
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        HttpServiceGrpc.HttpServiceBlockingStub stub = HttpServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata),
                        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS);
        try {
            HttpBody reply = ClientCalls.blockingUnaryCall(stub.getChannel(), method, stub.getCallOptions(), message);
            return new Response(Status.OK, headers.get(), reply, trailers.get());
        } catch (StatusRuntimeException e) {
            Metadata t = trailers.get() != null ? trailers.get() : e.getTrailers();
            return new Response(e.getStatus(), headers.get(), null, t);
        }
    }

    /** Handle with a byte[] marshaller: whatever bytes are given go out as the message. */
    static final MethodDescriptor<byte[], byte[]> RAW_HANDLE = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(HttpServiceGrpc.getHandleMethod().getFullMethodName())
            .setRequestMarshaller(BytesMarshaller.INSTANCE)
            .setResponseMarshaller(BytesMarshaller.INSTANCE)
            .build();

    enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

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
    }

    static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
