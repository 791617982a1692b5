package dev.grpcconnector.testapp;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events from an async servlet, held open until the test says so.
 *
 * <ul>
 * <li>{@code /sse?id=X}: starts async, writes and flushes {@link #EVENT_1}, then returns
 * the request thread. When {@code /sse-release?id=X} arrives, a thread of its own (not a
 * container thread) writes {@link #EVENT_2} and completes the response. Without a release
 * the response is finished the same way after {@link #GIVE_UP_SECONDS} s, so a failed test
 * leaves nothing hanging.</li>
 * <li>{@code /sse-release?id=X}: releases X (also before X has started); answers "released".</li>
 * <li>{@code /sse-state?id=X}: "unknown", "waiting" (event 1 being written and flushed, or
 * flushed; not yet released),
 * "released", "completed" (event 2 written and flushed; the async context is completed right
 * after) or "failed: ..." (also when completing failed).</li>
 * </ul>
 */
@WebServlet(urlPatterns = {"/sse", "/sse-release", "/sse-state"}, asyncSupported = true)
public class SseServlet extends HttpServlet {

    public static final String EVENT_1 = "id: 1\nevent: tick\ndata: one\n\n";
    public static final String EVENT_2 = "id: 2\nevent: tick\ndata: two\n\n";
    static final long GIVE_UP_SECONDS = 120;

    private static final Map<String, CompletableFuture<Void>> GATES = new ConcurrentHashMap<>();
    private static final Map<String, String> STATES = new ConcurrentHashMap<>();

    private static CompletableFuture<Void> gate(String id) {
        return GATES.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = req.getParameter("id");
        if (id == null || id.isEmpty()) {
            resp.sendError(400, "missing id parameter");
            return;
        }
        switch (req.getServletPath()) {
            case "/sse-release" -> {
                STATES.computeIfPresent(id, (k, v) -> "waiting".equals(v) ? "released" : v);
                gate(id).complete(null);
                text(resp, "released");
            }
            case "/sse-state" -> text(resp, STATES.getOrDefault(id, "unknown"));
            default -> events(req, resp, id);
        }
    }

    private static void text(HttpServletResponse resp, String s) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print(s);
    }

    private void events(HttpServletRequest req, HttpServletResponse resp, String id) throws IOException {
        resp.setContentType("text/event-stream;charset=UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        AsyncContext async = req.startAsync();
        async.setTimeout(TimeUnit.SECONDS.toMillis(GIVE_UP_SECONDS + 30));
        ServletOutputStream out = resp.getOutputStream();
        // Before the flush: once it is sent, the client may ask at once.
        STATES.put(id, "waiting");
        out.write(EVENT_1.getBytes(StandardCharsets.UTF_8));
        out.flush();
        gate(id).completeOnTimeout(null, GIVE_UP_SECONDS, TimeUnit.SECONDS)
                .thenRunAsync(() -> finish(async, id), task -> {
                    Thread t = new Thread(task, "sse-" + id);
                    t.setDaemon(true);
                    t.start();
                });
    }

    private static void finish(AsyncContext async, String id) {
        try {
            ServletOutputStream out = async.getResponse().getOutputStream();
            out.write(EVENT_2.getBytes(StandardCharsets.UTF_8));
            out.flush();
            // Before complete(): once it returns, the client may already have seen the end.
            STATES.put(id, "completed");
            async.complete();
        } catch (IOException | RuntimeException e) {
            STATES.put(id, "failed: " + e);
            try {
                async.complete();
            } catch (RuntimeException ignored) {
                // already completed or the response is gone
            }
        } finally {
            GATES.remove(id);
        }
    }
}
