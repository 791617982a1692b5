package dev.grpcconnector.it;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.StreamCall;
import dev.grpcconnector.it.HttpBodyClient.StreamResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connector against the test vectors of research/envoy-contract.md that concern the
 * backend: it must accept what Envoy sends (Q1–Q8, in Envoy's exact message layout) and
 * answer what Envoy can turn into the right browser response (R1–R8). Each test names its
 * vector. What only Envoy does (Q7's 413, the JSON conversion of R3/R8) is tested against
 * the development edge (dev-edge EdgeContractTest, EdgeContractIT).
 */
class ContractIT extends ConnectorTestBase {

    static final String UNKNOWN_QUERY_PARAMS =
            "type.googleapis.com/envoy.extensions.filters.http.grpc_json_transcoder.v3.UnknownQueryParams";

    @Test
    void q1EnvoysLayoutWithCapturedQueryExtensionsIsTheBrowsersGet() {
        String target = "/app/echo?q=a%20b&x=1&x=2&flag&c.d=3";
        byte[] message = envoyHttpBody("", Map.of("q", List.of("a b"), "x", List.of("1", "2"), "c.d", List.of("3")), new byte[0]);
        HttpBodyClient.RawResponse r = grpc.handleRaw(Request.get(target).metadata(), message);

        assertTrue(r.status().isOk(), r::toString);
        Map<String, Object> echo = MiniJson.object(parse(r.message()).getData().toStringUtf8());
        assertEquals("GET", echo.get("method"));
        assertEquals("/app/echo", echo.get("requestURI"));
        assertEquals("q=a%20b&x=1&x=2&flag&c.d=3", echo.get("queryString"), "the query comes from x-envoy-original-path");
        assertEquals(List.of("a b"), param(echo, "q"));
        assertEquals(List.of("1", "2"), param(echo, "x"));
        assertEquals(List.of("3"), param(echo, "c.d"));
        assertNull(echo.get("contentType"));
        assertEquals(0L, ((Number) echo.get("bodyLength")).longValue());
    }

    @Test
    void q2FormPostOverStream() {
        StreamResponse r = grpc.stream(Request.of("POST", "/app/echo").body("application/x-www-form-urlencoded", "u=a&p=b"));

        assertEquals(200, r.httpCode(), r::toString);
        Map<String, Object> echo = MiniJson.object(utf8(r.data()));
        assertEquals(List.of("a"), param(echo, "u"));
        assertEquals(List.of("b"), param(echo, "p"));
        // GlassFish adds its default request charset, over plain HTTP too.
        assertTrue(((String) echo.get("contentType")).startsWith("application/x-www-form-urlencoded"), echo::toString);
    }

    @Test
    void q3HttpBodyFieldNamesInTheQueryReachTheApplicationFromTheOriginalPath() {
        // Envoy drops data= and content_type= from the extensions; the path still has them.
        StreamResponse r = grpc.stream(Request.get("/app/echo?data=x&content_type=y"));

        Map<String, Object> echo = MiniJson.object(utf8(r.data()));
        assertEquals(List.of("x"), param(echo, "data"));
        assertEquals(List.of("y"), param(echo, "content_type"));
    }

    @Test
    void q4PlusInTheQueryIsTheApplicationsToDecode() {
        StreamResponse r = grpc.stream(Request.get("/app/echo?a=1+2"));

        Map<String, Object> echo = MiniJson.object(utf8(r.data()));
        assertEquals("a=1+2", echo.get("queryString"));
        assertEquals(List.of("1 2"), param(echo, "a"), "the servlet decodes + as a space, as over plain HTTP");
    }

    @Test
    void q5TheLastOriginalMethodWins() {
        StreamResponse r = grpc.stream(Request.get("/app/echo").header("x-envoy-original-method", "DELETE"));

        Map<String, Object> echo = MiniJson.object(utf8(r.data()));
        assertEquals("GET", echo.get("method"), "Envoy appends its own value after a client's");
        assertNull(seenHeader(echo, "x-envoy-original-method"), "gRPC-only metadata is not an HTTP header");
    }

    @ParameterizedTest(name = "Q6 {0}")
    @ValueSource(strings = {"HEAD", "OPTIONS", "PATCH"})
    void q6AnyMethodWithOneEmptyMessage(String method) {
        StreamResponse r = grpc.stream(Request.of(method, "/app/echo"));

        assertTrue(r.ok(), r::toString);
        assertEquals(200, r.httpCode(), r::toString);
        if (method.equals("HEAD")) {
            assertEquals(0, r.data().length, "no body for HEAD");
        } else {
            assertEquals(method, MiniJson.object(utf8(r.data())).get("method"));
        }
    }

    @Test
    void q8LargeUploadInEnvoysPiecesOfOneMebibyte() {
        byte[] body = pattern(5 * 1024 * 1024 / 2);
        int piece = 1024 * 1024;
        StreamCall call = new StreamCall();
        Request request = Request.of("POST", "/app/upload");
        StreamObserver<HttpBody> requests = grpc.streamStub(request, call.headers, call.trailers).stream(call);
        int messages = 0;
        for (int off = 0; off < body.length; off += piece) {
            requests.onNext(HttpBody.newBuilder().setContentType(off == 0 ? "application/octet-stream" : "")
                    .setData(ByteString.copyFrom(body, off, Math.min(piece, body.length - off))).build());
            messages++;
        }
        requests.onCompleted();
        StreamResponse r = call.await(70);

        assertEquals(3, messages);
        assertEquals(200, r.httpCode(), r::toString);
        Map<String, Object> upload = MiniJson.object(utf8(r.data()));
        assertEquals((long) body.length, ((Number) upload.get("length")).longValue());
        assertEquals(sha256(body), upload.get("sha256"));
        assertTrue(((String) upload.get("contentType")).startsWith("application/octet-stream"), upload::toString);
    }

    @Test
    void r1RedirectAndCookiesTravelAsInitialMetadata() {
        StreamResponse redirect = grpc.stream(Request.get("/app/redirect"));
        assertEquals(302, redirect.httpCode(), redirect::toString);
        assertEquals("/app/target", redirect.headers().get(HttpBodyClient.key("location")));

        StreamResponse cookies = grpc.stream(Request.get("/app/cookies"));
        List<String> setCookies = cookies.asResponse().header("set-cookie");
        assertEquals(2, setCookies.size(), () -> "one metadata entry per Set-Cookie: " + cookies);
        assertTrue(setCookies.get(0).startsWith("a=1") && setCookies.get(1).startsWith("b=2"), setCookies::toString);
        assertCleanMetadata(cookies.asResponse());
    }

    @Test
    void r2ContentTypeOnTheFirstMessageAndNoLengthInMetadata() {
        StreamResponse r = grpc.stream(Request.get("/app/chunks?n=3&size=1000"));

        assertTrue(r.messages().size() >= 1, r::toString);
        assertEquals("application/octet-stream", r.contentType());
        for (HttpBody m : r.messages().subList(1, r.messages().size())) {
            assertEquals("", m.getContentType(), "Envoy takes the content type from the first message only");
        }
        assertCleanMetadata(r.asResponse());
        assertEquals(3000, r.data().length);
    }

    @Test
    void r3ErrorsBeforeTheApplicationAreTrailersOnlySoEnvoyConvertsThem() {
        HttpBodyClient.Response r = grpc.stream(Request.get("/app/echo").path(null)).asResponse();

        assertTrailersOnlyError(r, Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void r6ApplicationHeadersAreNeverTrailers() {
        StreamResponse r = grpc.stream(Request.get("/app/cookies"));

        assertTrue(r.ok(), r::toString);
        assertNotNull(r.trailers());
        for (String key : r.trailers().keys()) {
            assertTrue(Set.of("grpc-status", "grpc-message").contains(key),
                    () -> "trailing metadata is lost behind Envoy (fact 13), yet it holds " + key);
        }
    }

    // ------------------------------------------------------------------------ helpers

    /**
     * An HttpBody in the field order Envoy writes it (contract fact 5): content_type (1),
     * then extensions (3), then data (2), with the captured query as one
     * {@code UnknownQueryParams} (map&lt;string, Values{repeated string values}&gt;).
     */
    static byte[] envoyHttpBody(String contentType, Map<String, List<String>> query, byte[] data) {
        try {
            ByteArrayOutputStream params = new ByteArrayOutputStream();
            CodedOutputStream p = CodedOutputStream.newInstance(params);
            for (Map.Entry<String, List<String>> e : query.entrySet()) {
                ByteArrayOutputStream values = new ByteArrayOutputStream();
                CodedOutputStream v = CodedOutputStream.newInstance(values);
                for (String value : e.getValue()) {
                    v.writeString(1, value);
                }
                v.flush();
                ByteArrayOutputStream entry = new ByteArrayOutputStream();
                CodedOutputStream en = CodedOutputStream.newInstance(entry);
                en.writeString(1, e.getKey());
                en.writeByteArray(2, values.toByteArray());
                en.flush();
                p.writeByteArray(1, entry.toByteArray());
            }
            p.flush();
            ByteArrayOutputStream any = new ByteArrayOutputStream();
            CodedOutputStream a = CodedOutputStream.newInstance(any);
            a.writeString(1, UNKNOWN_QUERY_PARAMS);
            a.writeByteArray(2, params.toByteArray());
            a.flush();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            CodedOutputStream b = CodedOutputStream.newInstance(body);
            if (!contentType.isEmpty()) {
                b.writeString(1, contentType);
            }
            b.writeByteArray(3, any.toByteArray());
            if (data.length > 0) {
                b.writeByteArray(2, data);
            }
            b.flush();
            return body.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpBody parse(byte[] message) {
        try {
            return HttpBody.parseFrom(message);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not an HttpBody", e);
        }
    }
}
