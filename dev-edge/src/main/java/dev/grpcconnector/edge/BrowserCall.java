package dev.grpcconnector.edge;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import dev.grpcconnector.proto.v1.HttpServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One browser request forwarded as one {@code HttpService/Stream} call, streamed both ways.
 *
 * <p><b>Request body</b> (its own virtual thread): each read from the browser's body
 * becomes one HttpBody message of at most 1 MiB, {@code content_type} on the first only
 * (contract fact 9); a request without a body sends exactly one empty message (fact 7).
 * A message is sent only when grpc-java says the call {@link ClientCall#isReady() is
 * ready}, so a slow backend slows the browser's upload down (TCP back-pressure) instead of
 * filling memory.
 *
 * <p><b>Response</b> (the exchange's thread): gRPC events are queued by the listener and
 * written in order; the next message is {@link ClientCall#request requested} only after
 * the previous one was written and flushed to the browser, so at most one message waits
 * in memory and every message (an SSE event) reaches the browser at once. The status and
 * headers are committed at the first message or at the end ({@link ResponseHead}); a
 * status that arrives after that can no longer change them (fact 10).
 *
 * <p>A failed write to (or read from) the browser cancels the call, which is how the
 * connector learns that the browser went away.
 */
final class BrowserCall extends ClientCall.Listener<HttpBody> {

    /** Envoy splits request chunks into pieces of at most 1 MiB (fact 9). */
    static final int MAX_REQUEST_MESSAGE = 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(BrowserCall.class.getName());

    private sealed interface Event permits Headers, Message, End {
    }

    private record Headers(Metadata metadata) implements Event {
    }

    private record Message(HttpBody body) implements Event {
    }

    private record End(Status status, Metadata trailers) implements Event {
    }

    private final HttpExchange exchange;
    private final ClientCall<HttpBody, HttpBody> call;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** Guards every use of {@link #call} (not thread-safe) and {@link #ended}. */
    private final Object lock = new Object();
    private boolean ended;

    private BrowserCall(HttpExchange exchange, ClientCall<HttpBody, HttpBody> call) {
        this.exchange = exchange;
        this.call = call;
    }

    /** Forwards the exchange and returns when the browser's response is complete or failed. */
    static void forward(Channel channel, HttpExchange exchange, Metadata metadata) throws InterruptedException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        CallOptions options = host == null || host.isEmpty() ? CallOptions.DEFAULT : CallOptions.DEFAULT.withAuthority(host);
        byte[] buffer = new byte[bufferSize(exchange)];
        BrowserCall browserCall = new BrowserCall(exchange, channel.newCall(HttpServiceGrpc.getStreamMethod(), options));
        synchronized (browserCall.lock) {
            browserCall.call.start(browserCall, metadata);
            browserCall.call.request(1);
        }
        Thread upload = Thread.ofVirtual().name("dev-edge-upload").start(() -> browserCall.upload(buffer));
        try {
            browserCall.respond();
        } catch (RuntimeException | Error e) {
            browserCall.cancel("the edge failed to write the response", e);
            throw e;
        } finally {
            // Closing the exchange ends the browser's response; an upload still running
            // then fails its next read and ends too.
            exchange.close();
            upload.join();
        }
    }

    // ------------------------------------------------------------------ request body

    private void upload(byte[] buffer) {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        InputStream in = exchange.getRequestBody();
        boolean first = true;
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (!send(message(first ? contentType : null, ByteString.copyFrom(buffer, 0, n)))) {
                    return;
                }
                first = false;
            }
            if (first && !send(message(contentType, ByteString.EMPTY))) {
                return;
            }
            synchronized (lock) {
                if (!ended) {
                    call.halfClose();
                }
            }
        } catch (IOException e) {
            cancel("reading the browser's request body failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel("the edge is stopping", e);
        }
    }

    /** 1 MiB for a body of unknown or large length, no more than needed otherwise (a GET has none). */
    private static int bufferSize(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length == null) {
            return exchange.getRequestHeaders().containsKey("Transfer-Encoding") ? MAX_REQUEST_MESSAGE : 1;
        }
        try {
            return (int) Math.clamp(Long.parseLong(length.trim()), 1, MAX_REQUEST_MESSAGE);
        } catch (NumberFormatException e) {
            // The JDK server has refused such a request before it gets here.
            throw new IllegalStateException("bad Content-Length " + length, e);
        }
    }

    private static HttpBody message(String contentType, ByteString data) {
        return HttpBody.newBuilder().setContentType(contentType == null ? "" : contentType).setData(data).build();
    }

    /** Sends when the call is ready; false when the call has ended (nothing more to send). */
    private boolean send(HttpBody message) throws InterruptedException {
        synchronized (lock) {
            while (!ended && !call.isReady()) {
                lock.wait();
            }
            if (ended) {
                return false;
            }
            call.sendMessage(message);
            return true;
        }
    }

    @Override
    public void onReady() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    // ---------------------------------------------------------------------- response

    @Override
    public void onHeaders(Metadata headers) {
        events.add(new Headers(headers));
    }

    @Override
    public void onMessage(HttpBody message) {
        events.add(new Message(message));
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
        synchronized (lock) {
            ended = true;
            lock.notifyAll();
        }
        events.add(new End(status, trailers));
    }

    private void respond() throws InterruptedException {
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        Metadata initial = null;
        OutputStream out = null;
        boolean discardBody = head;
        try {
            while (true) {
                Event event = events.take();
                if (event instanceof Headers h) {
                    initial = h.metadata();
                } else if (event instanceof Message m && out == null) {
                    // The call's end may already be queued right behind the first message:
                    // then the whole response is known, as for Envoy's unary transcoding.
                    Status end = events.peek() instanceof End e ? e.status() : null;
                    ResponseHead responseHead = ResponseHead.atFirstMessage(initial, m.body(), end);
                    discardBody |= bodyless(responseHead.status());
                    out = commit(responseHead, discardBody);
                    if (responseHead.wholeBody() != null) {
                        out.close();
                        logIfFailed(((End) events.take()).status());
                        return;
                    }
                    write(out, m.body(), discardBody);
                } else if (event instanceof Message m) {
                    write(out, m.body(), discardBody);
                } else if (event instanceof End e && out == null) {
                    ResponseHead responseHead = ResponseHead.atEndWithoutMessage(initial, e.status(), e.trailers());
                    commit(responseHead, discardBody || bodyless(responseHead.status())).close();
                    return;
                } else if (event instanceof End e) {
                    // Headers are out; the status stays as sent (fact 10) and the body ends.
                    logIfFailed(e.status());
                    out.close();
                    return;
                }
            }
        } catch (IOException e) {
            cancel("writing the response to the browser failed", e);
        } catch (InterruptedException e) {
            cancel("the edge is stopping", e);
            throw e;
        }
    }

    private OutputStream commit(ResponseHead responseHead, boolean discardBody) throws IOException {
        for (Map.Entry<String, String> header : responseHead.headers()) {
            exchange.getResponseHeaders().add(header.getKey(), header.getValue());
        }
        byte[] whole = responseHead.wholeBody();
        // The JDK server sends no length for HEAD and 304 itself; the Lua filter gives the
        // application's (never on a 204, which has none, RFC 9110 §8.6).
        if (discardBody && responseHead.declaredLength() != null && responseHead.status() != 204) {
            exchange.getResponseHeaders().set("Content-Length", responseHead.declaredLength());
        }
        // 0 means chunked, -1 no body (Content-Length: 0), n a body of n bytes.
        long length = discardBody ? -1 : whole == null ? 0 : whole.length == 0 ? -1 : whole.length;
        exchange.sendResponseHeaders(responseHead.status(), length);
        OutputStream out = exchange.getResponseBody();
        if (whole != null && !discardBody) {
            out.write(whole);
        }
        return out;
    }

    private void write(OutputStream out, HttpBody message, boolean discardBody) throws IOException {
        if (!discardBody && !message.getData().isEmpty()) {
            message.getData().writeTo(out);
            out.flush();
        }
        synchronized (lock) {
            call.request(1);
        }
    }

    /** Statuses whose responses have no body (RFC 9110 §6.4.1); the JDK server enforces it. */
    private static boolean bodyless(int status) {
        return status == 204 || status == 304 || status < 200;
    }

    private void logIfFailed(Status status) {
        if (!status.isOk()) {
            LOG.log(System.Logger.Level.INFO, "{0} {1}: the backend ended with {2} after the response headers"
                    + " were sent; the browser keeps the status it got, as with Envoy",
                    exchange.getRequestMethod(), exchange.getRequestURI(), status);
        }
    }

    private void cancel(String why, Throwable cause) {
        synchronized (lock) {
            call.cancel(why, cause);
        }
    }
}
