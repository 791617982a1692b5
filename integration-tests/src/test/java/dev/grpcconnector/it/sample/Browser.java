package dev.grpcconnector.it.sample;

import dev.grpcconnector.it.sample.Transport.Call;
import dev.grpcconnector.it.sample.Transport.EventStream;
import dev.grpcconnector.it.sample.Transport.Reply;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One user's browser over one {@link Transport}: it keeps cookies, and writes a transcript
 * of what it saw, to be compared with the same scenario over the other transport. Every
 * exchange adds its method, path, status, the values of the response headers a user or
 * browser acts on and the names of the others; a scenario adds what it reads from bodies with {@link #note}. Values that differ
 * between two runs by nature (new ids, session ids) are replaced by names given with
 * {@link #mask}.
 */
public final class Browser {

    /** Response headers whose values go into the transcript. */
    static final List<String> COMPARED_HEADERS = List.of("location", "content-type", "content-disposition",
            "content-range", "accept-ranges", "cache-control", "content-language");
    /** Response headers whose presence (not value) goes into the transcript: their values depend on the run. */
    static final List<String> PRESENCE_HEADERS = List.of("etag", "last-modified");
    /**
     * Headers left out of the list of other header names: framing and hop-by-hop ones
     * (HTTP/2 and gRPC frame the body themselves), the date and the product banner.
     */
    static final Set<String> NOT_LISTED = Set.of("content-length", "transfer-encoding", "connection", "keep-alive",
            "date", "server", "x-powered-by", "set-cookie");

    private final Transport transport;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Map<String, String> masks = new LinkedHashMap<>();
    private final List<String> transcript = new ArrayList<>();

    Browser(Transport transport) {
        this.transport = transport;
    }

    /** The transport's name, for messages. */
    public String name() {
        return transport.name();
    }

    /** What this browser saw, with every masked value replaced. */
    public List<String> transcript() {
        return transcript.stream().map(this::masked).toList();
    }

    /**
     * {@code value} appears as {@code placeholder} in the transcript, also in what was
     * recorded before; a number only where it stands as a whole number.
     */
    public void mask(Object value, String placeholder) {
        masks.put(String.valueOf(value), placeholder);
    }

    /** Adds an observation to the transcript. */
    public void note(String what, Object value) {
        transcript.add("  " + what + ": " + value);
    }

    /** Sends the call with this browser's cookies, keeps the cookies set, and records the exchange. */
    public Reply send(Call call) {
        Call withCookies = cookies.isEmpty() ? call : call.with("cookie", cookieHeader());
        Reply r = transport.send(withCookies);
        keepCookies(r);
        record(call, r.status(), r.headers());
        return r;
    }

    /** GET. */
    public Reply get(String path) {
        return send(Call.get(path));
    }

    /** POST of an url-encoded form; {@code fields} are name, value pairs. */
    public Reply postForm(String path, String... fields) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(encode(fields[i])).append('=').append(encode(fields[i + 1]));
        }
        return send(Call.of("POST", path, "application/x-www-form-urlencoded", body.toString()));
    }

    /** A GET of the redirect target, after checking that {@code r} is a redirect with {@code status}. */
    public Reply follow(Reply r, int status) {
        assertEquals(status, r.status(), () -> name() + ": expected a redirect: " + r);
        String location = r.header("location").orElseThrow(() -> new AssertionError(name() + ": no Location: " + r));
        return get(pathOf(location));
    }

    /** Opens an event stream with this browser's cookies and records its status and headers. */
    public EventStream openEvents(String path) {
        Call call = Call.get(path).with("accept", "text/event-stream");
        EventStream events = transport.openEvents(cookies.isEmpty() ? call : call.with("cookie", cookieHeader()));
        record(call, events.status(), events.headers());
        return events;
    }

    /** The value of a cookie this browser holds, or null. */
    public String cookie(String name) {
        return cookies.get(name);
    }

    /** The path and query of an absolute or relative URL. */
    static String pathOf(String location) {
        URI uri = URI.create(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private void record(Call call, int status, Map<String, List<String>> headers) {
        StringBuilder line = new StringBuilder(call.method()).append(' ').append(call.path()).append(" -> ").append(status);
        for (String name : COMPARED_HEADERS) {
            List<String> values = headers.get(name);
            if (values != null) {
                line.append("\n    ").append(name).append(": ").append(String.join(" | ", values));
            }
        }
        for (String name : PRESENCE_HEADERS) {
            if (headers.containsKey(name)) {
                line.append("\n    ").append(name).append(": (present)");
            }
        }
        List<String> others = headers.keySet().stream().filter(n -> !COMPARED_HEADERS.contains(n)
                && !PRESENCE_HEADERS.contains(n) && !NOT_LISTED.contains(n)).sorted().toList();
        if (!others.isEmpty()) {
            line.append("\n    other headers: ").append(String.join(", ", others));
        }
        for (String c : headers.getOrDefault("set-cookie", List.of())) {
            line.append("\n    set-cookie: ").append(c.replaceFirst("=[^;]*", "=(value)"));
        }
        transcript.add(line.toString());
    }

    private String masked(String s) {
        String out = s;
        for (Map.Entry<String, String> m : masks.entrySet()) {
            String value = Pattern.quote(m.getKey());
            // A number only where it stands alone: not inside a longer number, a hex digest, a %-escape or an IP address.
            String pattern = m.getKey().matches("\\d+") ? "(?<![0-9A-Za-z%.])" + value + "(?![0-9A-Za-z])" : value;
            out = out.replaceAll(pattern, Matcher.quoteReplacement(m.getValue()));
        }
        return out;
    }

    private String cookieHeader() {
        StringBuilder b = new StringBuilder();
        cookies.forEach((k, v) -> b.append(b.isEmpty() ? "" : "; ").append(k).append('=').append(v));
        return b.toString();
    }

    private void keepCookies(Reply r) {
        for (String c : r.headers("set-cookie")) {
            String pair = c.split(";", 2)[0];
            int eq = pair.indexOf('=');
            assertTrue(eq > 0, () -> "malformed Set-Cookie " + c);
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            boolean expired = c.toLowerCase(java.util.Locale.ROOT).contains("max-age=0") || value.isEmpty();
            if (expired) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
    }

    static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
