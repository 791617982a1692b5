package dev.grpcconnector.it.sample;

import dev.grpcconnector.it.MiniJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * How a test's requests reach GlassFish: {@link DirectTransport} (plain HTTP/1.1 to the
 * HTTP listener) or {@link ConnectorTransport} (gRPC {@code HttpService.Stream} to the
 * connector's listener, shaped as Envoy sends it). The sample tests run each scenario on
 * both and compare what they saw.
 */
public interface Transport extends AutoCloseable {

    /** A short name for messages: "direct" or "connector". */
    String name();

    /** Sends one request and waits for the whole response. */
    Reply send(Call call);

    /** Starts a request whose response is a server-sent event stream; returns once its headers arrived. */
    EventStream openEvents(Call call);

    @Override
    void close();

    /** A request: method, path with query, headers (lower-case names) and an optional body with its type. */
    record Call(String method, String path, List<String[]> headers, String contentType, byte[] body) {

        /** A GET without headers. */
        public static Call get(String path) {
            return new Call("GET", path, List.of(), null, new byte[0]);
        }

        /** A request with a body of the given type. */
        public static Call of(String method, String path, String contentType, byte[] body) {
            return new Call(method, path, List.of(), contentType, body);
        }

        /** A request with a UTF-8 text body. */
        public static Call of(String method, String path, String contentType, String body) {
            return of(method, path, contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        /** This request with one more header. */
        public Call with(String name, String value) {
            List<String[]> all = new ArrayList<>(headers);
            all.add(new String[] {name.toLowerCase(Locale.ROOT), value});
            return new Call(method, path, List.copyOf(all), contentType, body);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** A response: status, headers (lower-case names; content type included) and the body. */
    record Reply(int status, Map<String, List<String>> headers, byte[] body) {

        /** Headers keyed by lower-case name, in name order. */
        public static Map<String, List<String>> normalize(Map<String, List<String>> raw) {
            Map<String, List<String>> out = new TreeMap<>();
            raw.forEach((k, v) -> out.computeIfAbsent(k.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(v));
            return out;
        }

        /** The first value of a header. */
        public Optional<String> header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }

        /** All values of a header, never null. */
        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as a JSON value (objects as maps, arrays as lists, numbers as longs). */
        public Object json() {
            return MiniJson.parse(text());
        }

        @Override
        public String toString() {
            String t = text();
            return "HTTP " + status + " " + headers + " " + body.length + " bytes: "
                    + (t.length() > 600 ? t.substring(0, 600) + "..." : t);
        }
    }

    /** One server-sent event: its name ({@code message} when none) and its data lines joined. */
    record SseEvent(String name, String data) {
    }

    /**
     * An open event stream. Text arrives in pieces however the transport cuts it; events
     * are complete once their blank line arrived.
     */
    abstract class EventStream implements AutoCloseable {

        private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
        private final StringBuilder pending = new StringBuilder();
        private final int status;
        private final Map<String, List<String>> headers;

        protected EventStream(int status, Map<String, List<String>> headers) {
            this.status = status;
            this.headers = headers;
        }

        public int status() {
            return status;
        }

        public Map<String, List<String>> headers() {
            return headers;
        }

        /** Called by the transport with each piece of the body as it arrives. */
        protected void received(String text) {
            chunks.add(text);
        }

        /** Called by the transport when the stream has ended (normally or not). */
        protected void ended(String how) {
            chunks.add(new Ended(how));
        }

        private record Ended(String how) {
        }

        /**
         * The next complete event, waiting at most {@code seconds} for it.
         *
         * @throws AssertionError when the stream ends or nothing arrives in time
         */
        public SseEvent next(long seconds) {
            while (true) {
                int end = pending.indexOf("\n\n");
                if (end >= 0) {
                    String block = pending.substring(0, end);
                    pending.delete(0, end + 2);
                    SseEvent event = parse(block);
                    if (event != null) {
                        return event;
                    }
                    continue;
                }
                Object chunk;
                try {
                    chunk = chunks.poll(seconds, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (chunk == null) {
                    throw new AssertionError("no complete event within " + seconds + " s; pending text: '" + pending + "'");
                }
                if (chunk instanceof Ended ended) {
                    throw new AssertionError("the event stream ended (" + ended.how + "); pending text: '" + pending + "'");
                }
                pending.append(((String) chunk).replace("\r\n", "\n"));
            }
        }

        /** An event from its lines, or null for a block of comments only. */
        private static SseEvent parse(String block) {
            String name = "message";
            List<String> data = new ArrayList<>();
            boolean any = false;
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                    any = true;
                } else if (line.startsWith("data:")) {
                    data.add(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                    any = true;
                } else if (line.startsWith("id:")) {
                    any = true;
                }
            }
            return any ? new SseEvent(name, String.join("\n", data)) : null;
        }

        /** Ends the request from the client side. */
        @Override
        public abstract void close();
    }
}
