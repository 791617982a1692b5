package dev.grpcconnector.it.sample;

import com.google.api.HttpBody;
import dev.grpcconnector.it.HttpBodyClient;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Through the connector as Envoy's gRPC-JSON transcoder calls it on its catch-all route:
 * {@code HttpService.Stream} with the request body as one {@code HttpBody}, the original
 * method and path in {@code x-envoy-original-*}, {@code x-forwarded-proto: http} and
 * {@code x-forwarded-for: 127.0.0.1}, and {@code :authority} set to the Host a browser
 * would send to the HTTP listener. The HTTP status comes back as {@code x-http-code}, the
 * headers as metadata, the content type in the first message.
 */
public final class ConnectorTransport implements Transport {

    /** Metadata that is gRPC's own, not the application's response headers. */
    private static final Set<String> GRPC_METADATA = Set.of("x-http-code", "content-type", "grpc-encoding",
            "grpc-accept-encoding", "grpc-status", "grpc-message", "x-http-content-type", "x-http-content-length");

    private final HttpBodyClient client;

    /** A channel to the connector's listener on {@code grpcPort}, with {@code :authority 127.0.0.1:httpPort}. */
    public ConnectorTransport(int grpcPort, int httpPort) {
        this.client = HttpBodyClient.connect(grpcPort, "127.0.0.1:" + httpPort);
    }

    @Override
    public String name() {
        return "connector";
    }

    private static Request request(Call call) {
        Request r = Request.of(call.method(), call.path()).deadlineSeconds(120);
        for (String[] h : call.headers()) {
            r.header(h[0], h[1]);
        }
        if (call.contentType() != null || call.body().length > 0) {
            r.body(call.contentType(), call.body());
        }
        return r;
    }

    @Override
    public Reply send(Call call) {
        StreamResponse s = client.stream(request(call));
        assertTrue(s.ok(), () -> call + " through the connector: gRPC status " + s);
        return new Reply(s.httpCode(), headers(s.headers(), s.contentType()), s.data());
    }

    /** The application's response headers from the metadata, plus the content type from the first message. */
    private static Map<String, List<String>> headers(Metadata md, String contentType) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String k : md.keys()) {
            if (k.endsWith(Metadata.BINARY_HEADER_SUFFIX) || GRPC_METADATA.contains(k)) {
                continue;
            }
            List<String> values = new ArrayList<>();
            md.getAll(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER)).forEach(values::add);
            out.put(k, values);
        }
        if (contentType != null && !contentType.isEmpty()) {
            out.put("content-type", List.of(contentType));
        }
        return Reply.normalize(out);
    }

    @Override
    public EventStream openEvents(Call call) {
        Request request = request(call);
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        CompletableFuture<String> firstContentType = new CompletableFuture<>();
        AtomicReference<EventStream> stream = new AtomicReference<>();
        List<String> early = new ArrayList<>();
        AtomicReference<ClientCallStreamObserver<HttpBody>> requests = new AtomicReference<>();
        StreamObserver<HttpBody> responses = new StreamObserver<>() {
            @Override
            public synchronized void onNext(HttpBody message) {
                firstContentType.complete(message.getContentType());
                String text = message.getData().toStringUtf8();
                if (stream.get() == null) {
                    early.add(text);
                } else {
                    stream.get().received(text);
                }
            }

            @Override
            public synchronized void onError(Throwable t) {
                firstContentType.completeExceptionally(t);
                if (stream.get() != null) {
                    stream.get().ended(Status.fromThrowable(t).toString());
                }
            }

            @Override
            public synchronized void onCompleted() {
                firstContentType.completeExceptionally(new IllegalStateException("the call ended without a message"));
                if (stream.get() != null) {
                    stream.get().ended("call completed");
                }
            }
        };
        requests.set((ClientCallStreamObserver<HttpBody>) client.streamStub(request, headers, trailers).stream(responses));
        requests.get().onNext(request.message());
        requests.get().onCompleted();
        // The content type travels in the first message; an event stream's first message
        // comes with its first event, so wait for it (the response headers precede it).
        String contentType;
        try {
            contentType = firstContentType.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(call + ": no first message through the connector: " + e + ", headers "
                    + headers.get() + ", trailers " + trailers.get(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        Metadata md = headers.get();
        String code = md.get(Metadata.Key.of("x-http-code", Metadata.ASCII_STRING_MARSHALLER));
        EventStream events = new EventStream(code == null ? -1 : Integer.parseInt(code), headers(md, contentType)) {
            @Override
            public void close() {
                requests.get().cancel("the test is done with the event stream", null);
            }
        };
        synchronized (responses) {
            early.forEach(events::received);
            stream.set(events);
        }
        return events;
    }

    @Override
    public void close() {
        client.close();
    }
}
