package dev.grpcconnector.it;

import com.google.api.HttpBody;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Async servlets and server-sent events (issue 3). {@code /app/sse?id=X} starts async,
 * writes and flushes event 1, and then waits until the test calls {@code /app/sse-release?id=X}
 * over direct HTTP; only then does a thread of the servlet's own write event 2 and complete
 * the response.
 *
 * <p>Through {@code Stream}, every flush must become a message at once: the message carrying
 * event 1 must reach the client while the servlet is still waiting — before the test
 * releases it, which it does only after that message arrived (ordering, no durations).
 * Through {@code Handle} (unary) the whole body arrives at the end as one message, so the
 * call cannot end before the release.
 */
class SseIT extends ConnectorTestBase {

    static final String EVENT_1 = "id: 1\nevent: tick\ndata: one\n\n";
    static final String EVENT_2 = "id: 2\nevent: tick\ndata: two\n\n";
    static final long WAIT_SECONDS = 60;

    @Test
    void streamDeliversEachFlushedEventWhileTheResponseIsStillOpen() throws Exception {
        String id = UUID.randomUUID().toString();
        Request request = Request.get("/app/sse?id=" + id).header("accept", "text/event-stream").deadlineSeconds(120);
        EventObserver call = EventObserver.start(grpc, request);

        // Event 1 must arrive without any release: the servlet is blocked until we release it.
        Object first = call.events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (first == null) {
            fail("no message within " + WAIT_SECONDS + " s while the servlet waits (state "
                    + state(id) + "): the flushed event 1 was not sent as a message");
        }
        if (!(first instanceof HttpBody message)) {
            fail("the call ended before any message arrived: " + first + ", headers " + call.headers.get());
            return;
        }
        // The servlet has not been released, so it is still waiting with the response open.
        assertEquals("waiting", state(id), "servlet state when event 1 arrived");
        Metadata headers = call.headers.get();
        assertNotNull(headers, "initial metadata must precede the first message");
        assertEquals("200", headers.get(HttpBodyClient.X_HTTP_CODE), () -> "x-http-code in " + headers);
        assertTrue(message.getContentType().toLowerCase(Locale.ROOT).startsWith("text/event-stream"),
                () -> "content type of the first message: '" + message.getContentType() + "'");
        assertEquals(EVENT_1, message.getData().toStringUtf8(), "data of the first message");
        assertTrue(call.events.isEmpty(), () -> "nothing else may have arrived before the release: " + call.events);

        release(id);

        // Then event 2 (possibly with further, empty messages) and the end of the call.
        StringBuilder rest = new StringBuilder();
        List<String> laterContentTypes = new ArrayList<>();
        Status end = null;
        while (end == null) {
            Object next = call.events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (next == null) {
                fail("the call did not end within " + WAIT_SECONDS + " s after the release (servlet state "
                        + state(id) + "), data after event 1 so far: '" + rest + "'");
            } else if (next instanceof HttpBody m) {
                rest.append(m.getData().toStringUtf8());
                laterContentTypes.add(m.getContentType());
            } else {
                end = (Status) next;
            }
        }
        assertTrue(end.isOk(), "call status " + end + ", trailers " + call.trailers.get());
        assertEquals(EVENT_2, rest.toString(), "data after the release");
        assertEquals("completed", state(id), "servlet state");
        for (String ct : laterContentTypes) {
            assertEquals("", ct, "later messages carry no content type (Envoy takes it from the first)");
        }
    }

    @Test
    void handleDeliversTheWholeEventStreamAsOneMessageAfterTheRelease() throws Exception {
        String id = UUID.randomUUID().toString();
        Request request = Request.get("/app/sse?id=" + id).header("accept", "text/event-stream").deadlineSeconds(120);
        CompletableFuture<Response> done = grpc.startHandle(request);

        // Wait (over direct HTTP) until the servlet has flushed event 1 and is waiting.
        awaitState(id, "waiting", done);
        assertFalse(done.isDone(), () -> "a unary call cannot end while the servlet still waits: " + done.join());

        release(id);

        Response r = done.get(WAIT_SECONDS + 80, TimeUnit.SECONDS);
        assertCleanMetadata(r);
        assertTrue(r.ok(), r::toString);
        assertEquals(200, r.httpCode(), r::toString);
        assertTrue(r.contentType().toLowerCase(Locale.ROOT).startsWith("text/event-stream"), r::toString);
        assertEquals(EVENT_1 + EVENT_2, r.text(), "the whole body as the one message");
        assertEquals("completed", state(id), "servlet state");
    }

    @Test
    void directHttpSeesTheSameEventStream() {
        // The reference: the same servlet over plain HTTP/1.1 (released up front, so it does not wait).
        String id = UUID.randomUUID().toString();
        release(id);
        HttpResponse<byte[]> r = direct("GET", "/app/sse?id=" + id, null, null, "Accept", "text/event-stream");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"), r::toString);
        assertEquals(EVENT_1 + EVENT_2, utf8(r.body()));
    }

    // ------------------------------------------------------------------------- helpers

    static void release(String id) {
        HttpResponse<byte[]> r = direct("GET", "/app/sse-release?id=" + id, null, null);
        assertEquals(200, r.statusCode(), () -> "release " + id + ": " + utf8(r.body()));
        assertEquals("released", utf8(r.body()));
    }

    static String state(String id) {
        return utf8(direct("GET", "/app/sse-state?id=" + id, null, null).body());
    }

    static void awaitState(String id, String wanted, CompletableFuture<?> call) throws InterruptedException {
        String last = null;
        for (int i = 0; i < WAIT_SECONDS * 20; i++) {
            last = state(id);
            if (wanted.equals(last)) {
                return;
            }
            if (call.isDone()) {
                fail("the call ended while waiting for servlet state " + wanted + " (state " + last + "): " + call.join());
            }
            Thread.sleep(50);
        }
        fail("servlet state did not become " + wanted + " within " + WAIT_SECONDS + " s, last " + last);
    }

    /** A Stream call whose messages and end are queued as they arrive (HttpBody, then a Status). */
    static final class EventObserver implements StreamObserver<HttpBody> {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final AtomicReference<Metadata> headers = new AtomicReference<>();
        final AtomicReference<Metadata> trailers = new AtomicReference<>();

        static EventObserver start(HttpBodyClient client, Request request) {
            EventObserver call = new EventObserver();
            StreamObserver<HttpBody> requests = client.streamStub(request, call.headers, call.trailers).stream(call);
            requests.onNext(request.message());
            requests.onCompleted();
            return call;
        }

        @Override
        public void onNext(HttpBody value) {
            events.add(value);
        }

        @Override
        public void onError(Throwable t) {
            events.add(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            events.add(Status.OK);
        }
    }
}
