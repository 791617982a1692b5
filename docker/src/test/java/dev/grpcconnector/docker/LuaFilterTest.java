package dev.grpcconnector.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs the Lua filter's script from {@code envoy/envoy.yaml} on fake Envoy stream
 * handles: the same {@code handle:headers()} with {@code get}, {@code remove} and
 * {@code replace}, on a single-valued header map. LuaJ implements Lua 5.2, Envoy embeds
 * LuaJIT (Lua 5.1); the script keeps to what both share (string patterns, tables).
 */
class LuaFilterTest {
    /** Fake handles; request(t) / respond(t) run the script on a copy of t and return it. */
    private static final String HARNESS = """
            local function handle_for(initial)
              local store = {}
              for name, value in pairs(initial) do store[name] = value end
              local headers = {}
              function headers:get(name) return store[name] end
              function headers:remove(name) store[name] = nil end
              function headers:replace(name, value) store[name] = value end
              local handle = {}
              function handle:headers() return headers end
              return handle, store
            end
            function request(initial)
              local handle, store = handle_for(initial)
              envoy_on_request(handle)
              return store
            end
            function respond(initial)
              local handle, store = handle_for(initial)
              envoy_on_response(handle)
              return store
            end
            """;

    private static Globals lua;

    @BeforeAll
    static void load() throws IOException {
        String script = EnvoyBootstrap.only(EnvoyBootstrap.parse(Repository.read(Repository.ENVOY_YAML)), Lua.class)
                .getDefaultSourceCode().getInlineString();
        lua = JsePlatform.standardGlobals();
        lua.load(script, "envoy.yaml lua").call();
        lua.load(HARNESS, "harness").call();
    }

    @Test
    void applicationStatusReplacesTheTranscodersOkAndLeavesNoTrace() {
        // Contract R1: a redirect arrives as x-http-code 302 on a 200.
        Map<String, String> out = respond(Map.of(":status", "200", "x-http-code", "302", "location", "/next"));
        assertEquals(Map.of(":status", "302", "location", "/next"), out);
        assertEquals(Map.of(":status", "404"), respond(Map.of(":status", "200", "x-http-code", "404")));
        assertEquals(Map.of(":status", "200"), respond(Map.of(":status", "200", "x-http-code", "200")));
    }

    @Test
    void statusTheTranscoderMappedFromAGrpcErrorIsKept() {
        // Contract R4: HttpBody then NOT_FOUND is a 404 from the transcoder.
        assertEquals(Map.of(":status", "404"), respond(Map.of(":status", "404", "x-http-code", "200")));
    }

    @Test
    void malformedHttpCodeIsDroppedWithoutChangingTheStatus() {
        for (String bad : new String[] {"abc", "1000", "20", "100", "600", " 302", "302x"}) {
            assertEquals(Map.of(":status", "200"), respond(Map.of(":status", "200", "x-http-code", bad)), bad);
        }
    }

    @Test
    void bodylessResponseGetsTheApplicationsContentTypeAndLength() {
        // HEAD of a page through Stream: the transcoder took the type from the message but
        // gives no length (fact 10); the connector sent the application's own.
        assertEquals(Map.of(":status", "200", "content-type", "text/html", "content-length", "218"),
                respond(Map.of(":status", "200", "content-type", "text/html", "x-http-code", "200",
                        "x-http-content-type", "text/html", "x-http-content-length", "218")));
        // Through Handle the transcoder set the length of the one empty message.
        assertEquals(Map.of(":status", "200", "content-type", "text/html", "content-length", "218"),
                respond(Map.of(":status", "200", "content-type", "text/html", "content-length", "0",
                        "x-http-code", "200", "x-http-content-type", "text/html", "x-http-content-length", "218")));
    }

    @Test
    void bodylessResponseWithoutTypeLosesTheTranscodersDefault() {
        // 204 and 304 from GlassFish carry no Content-Type; the transcoder's default
        // application/json on a 304 would update the browser's cached entry (RFC 9111 §4.3.4).
        assertEquals(Map.of(":status", "304", "etag", "W/\"218-1\""),
                respond(Map.of(":status", "200", "content-type", "application/json", "x-http-code", "304",
                        "etag", "W/\"218-1\"", "x-http-content-type", "")));
        assertEquals(Map.of(":status", "204"),
                respond(Map.of(":status", "200", "content-type", "application/json", "x-http-code", "204",
                        "x-http-content-type", "")));
    }

    @Test
    void contentHeadersOfAMappedGrpcErrorStayTheTranscoders() {
        Map<String, String> out = respond(Map.of(":status", "500", "content-type", "application/json",
                "content-length", "40", "x-http-code", "204", "x-http-content-type", "", "x-http-content-length", "7"));
        assertEquals(Map.of(":status", "500", "content-type", "application/json", "content-length", "40"), out);
    }

    @Test
    void malformedContentLengthIsDropped() {
        for (String bad : new String[] {"", "-1", "1e3", " 5", "5 ", "0x10", "12a"}) {
            assertEquals(Map.of(":status", "200", "content-type", "text/html"),
                    respond(Map.of(":status", "200", "content-type", "text/html", "x-http-content-length", bad)), bad);
        }
    }

    @Test
    void responseWithoutHttpCodeIsUntouched() {
        // A local reply or a trailers-only gRPC error carries none.
        Map<String, String> in = Map.of(":status", "503", "content-type", "application/json");
        assertEquals(in, respond(in));
    }

    @Test
    void requestLosesClientSuppliedOriginalMethodPathForwardedHostAndGrpcSettings() {
        Map<String, String> out = request(Map.of(
                ":method", "GET", ":path", "/a?b=c", "host", "example.com",
                "x-envoy-original-method", "DELETE", "x-envoy-original-path", "/admin",
                "x-forwarded-host", "evil.example", "x-forwarded-for", "203.0.113.7",
                "grpc-timeout", "1m", "grpc-encoding", "br"));
        assertEquals(Map.of(":method", "GET", ":path", "/a?b=c", "host", "example.com",
                "x-forwarded-for", "203.0.113.7"), out);
        assertTrue(request(Map.of()).isEmpty());
    }

    @Test
    void aNativeGrpcCallKeepsItsDeadlineAndEncodingButNotTheOriginalPath() {
        Map<String, String> out = request(Map.of(
                ":method", "POST", ":path", "/grpcconnector.demo.v1.DemoService/Add",
                "content-type", "application/grpc+proto", "grpc-timeout", "5S", "grpc-encoding", "gzip",
                "x-envoy-original-path", "/admin"));
        assertEquals(Map.of(":method", "POST", ":path", "/grpcconnector.demo.v1.DemoService/Add",
                "content-type", "application/grpc+proto", "grpc-timeout", "5S", "grpc-encoding", "gzip"), out);
        Map<String, String> json = request(Map.of(":method", "POST", ":path", "/api/v1/add",
                "content-type", "application/json", "grpc-timeout", "1m"));
        assertEquals(Map.of(":method", "POST", ":path", "/api/v1/add", "content-type", "application/json"), json);
    }

    private static Map<String, String> respond(Map<String, String> headers) {
        return call("respond", headers);
    }

    private static Map<String, String> request(Map<String, String> headers) {
        return call("request", headers);
    }

    private static Map<String, String> call(String function, Map<String, String> headers) {
        LuaTable in = new LuaTable();
        headers.forEach((name, value) -> in.set(name, value));
        LuaTable out = lua.get(function).call(in).checktable();
        Map<String, String> result = new HashMap<>();
        for (LuaValue name : out.keys()) {
            result.put(name.tojstring(), out.get(name).tojstring());
        }
        return result;
    }
}
