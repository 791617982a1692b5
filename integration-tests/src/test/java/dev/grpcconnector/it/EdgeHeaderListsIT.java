package dev.grpcconnector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.edge.DevEdge;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The development edge passes header lists as large as Envoy does (issue 16, item 4): a
 * browser request with a cookie of 8, 16 or 32 KiB and enough other headers for about
 * 60 KiB in all reaches the application unchanged through the edge and the connector
 * (before, anything above about 4 KiB got a 500); a request whose headers exceed Envoy's
 * default limit ({@code max_request_headers_kb}, 60 KiB), or envoy.yaml's 80 header lines,
 * gets 431 from the edge, as Envoy answers it.
 */
class EdgeHeaderListsIT extends ConnectorTestBase {
    private static DevEdge edge;
    private static final HttpClient BROWSER = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startEdge() throws IOException {
        edge = DevEdge.start("--port=0", "--backend=127.0.0.1:" + server.grpcPort(), "--secret-file=" + server.edgeSecretFile());
    }

    @AfterAll
    static void stopEdge() {
        if (edge != null) {
            edge.close();
        }
    }

    @ParameterizedTest(name = "cookie of {0} bytes")
    @ValueSource(ints = {8 * 1024, 16 * 1024, 32 * 1024})
    void headerListsUpToEnvoysLimitReachTheApplication(int cookieBytes) throws Exception {
        SplittableRandom random = new SplittableRandom(cookieBytes);
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"cookie", "JSESSIONID=x; sso=" + LargeHeaderListsIT.text(random, cookieBytes - 20)});
        int total = cookieBytes + 200; // what the client adds itself, roughly
        int each = (58 * 1024 - total) / 70;
        for (int i = 0; total < 58 * 1024; i++) {
            String value = LargeHeaderListsIT.text(random, each);
            headers.add(new String[] {String.format("x-app-header-%03d", i), value});
            total += 17 + value.length();
        }
        HttpResponse<String> r = get(headers);
        assertEquals(200, r.statusCode(), () -> "through the edge: " + r.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> arrived = (Map<String, Object>) MiniJson.object(r.body()).get("headers");
        for (String[] h : headers) {
            assertEquals(List.of(h[1]), arrived.get(h[0]), () -> h[0] + " changed on the way");
        }
        GlassFishServer.log("through the edge: " + headers.size() + " headers, about " + total + " bytes, unchanged");
    }

    @ParameterizedTest(name = "{0} bytes of cookie")
    @ValueSource(ints = {64 * 1024, 200 * 1024})
    void aHeaderListAboveEnvoysLimitGets431FromTheEdge(int cookieBytes) throws Exception {
        HttpResponse<String> r = get(List.<String[]>of(new String[] {"cookie", "sso="
                + LargeHeaderListsIT.text(new SplittableRandom(1), cookieBytes)}));
        assertEquals(431, r.statusCode(), r::body);
        assertTrue(r.body().length() < 1000, r::body);
        HttpResponse<String> next = get(List.of());
        assertEquals(200, next.statusCode(), "the edge still serves");
    }

    @org.junit.jupiter.api.Test
    void moreThan80HeaderLinesGet431FromTheEdge() throws Exception {
        List<String[]> headers = new ArrayList<>();
        for (int i = 0; i < 85; i++) {
            headers.add(new String[] {"x-h-" + i, "v"});
        }
        assertEquals(431, get(headers).statusCode());
    }

    private static HttpResponse<String> get(List<String[]> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/app/echo"))
                .timeout(Duration.ofSeconds(60)).GET();
        for (String[] h : headers) {
            b.header(h[0], h[1]);
        }
        return BROWSER.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
