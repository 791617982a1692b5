package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status codes, redirects, cookies and errors: every one is an x-http-code with grpc-status OK. */
class ResponsesIT extends ConnectorTestBase {

    @Test
    void noContent() {
        Response r = callExpecting(204, Request.get("/app/status?code=204"));
        assertEquals(0, r.data().length);
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 400, 403, 404, 409, 418, 503})
    void statusWithTextBody(int code) {
        Response r = callExpecting(code, Request.get("/app/status?code=" + code));
        assertEquals("status " + code + "\n", r.text());
        assertTrue(r.contentType().startsWith("text/plain"), r.contentType());
    }

    @Test
    void redirectKeepsLocation() {
        Response r = callExpecting(302, Request.get("/app/redirect"));
        assertEquals(List.of("/app/target"), r.header("location"));
    }

    @Test
    void redirectControlOverDirectHttp() {
        HttpResponse<byte[]> r = direct("GET", "/app/redirect", null, null);
        assertEquals(302, r.statusCode());
        assertEquals(List.of("/app/target"), r.headers().allValues("location"));
    }

    @Test
    void twoCookiesAreTwoMetadataEntries() {
        Response r = callExpecting(200, Request.get("/app/cookies"));
        List<String> cookies = r.header("set-cookie");
        assertEquals(2, cookies.size(), () -> "two separate set-cookie entries expected: " + cookies);
        assertTrue(cookies.get(0).startsWith("a=1"), cookies::toString);
        assertTrue(cookies.get(1).startsWith("b=2"), cookies::toString);
        assertEquals("two cookies\n", r.text());
        assertEquals(direct("GET", "/app/cookies", null, null).headers().allValues("set-cookie"), cookies,
                "the same Set-Cookie values as over direct HTTP");
    }

    @Test
    void unknownPathGivesContainer404() {
        Response r = callExpecting(404, Request.get("/app/no/such/thing"));
        assertEquals(404, direct("GET", "/app/no/such/thing", null, null).statusCode());
        assertTrue(r.data().length > 0, "the container's error page");
    }

    @Test
    void unknownApplicationGives404() {
        callExpecting(404, Request.get("/no-such-app/x"));
    }

    @Test
    void applicationExceptionIsHttp500NotAGrpcError() {
        Response r = callExpecting(500, Request.get("/app/fail"));
        assertEquals(io.grpc.Status.Code.OK, r.status().getCode());
        assertTrue(r.data().length > 0, "the container's error page");
        assertEquals(500, direct("GET", "/app/fail", null, null).statusCode());
    }

    @Test
    void slowRequestCompletes() {
        Response r = callExpecting(200, Request.get("/app/slow?ms=300"));
        assertEquals("slept 300 ms\n", r.text());
    }

    @Test
    void unbufferedChunkedResponse() {
        Response r = callExpecting(200, Request.get("/app/chunks?n=5&delay=20"));
        assertEquals("chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n", r.text());
    }
}
