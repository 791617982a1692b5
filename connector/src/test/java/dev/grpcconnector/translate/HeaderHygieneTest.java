package dev.grpcconnector.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.wire.GrpcStatus;
import dev.grpcconnector.wire.GrpcStatusException;
import java.util.List;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link HeaderHygiene} through {@link RequestTranslator}: what RFC 9113 §8.2 forbids is refused, nothing else. */
class HeaderHygieneTest {
    private static final RequestTranslator TRANSLATOR = new RequestTranslator(1);

    private static HttpRequestPacket call(String... headers) {
        HttpRequestPacket.Builder b = HttpRequestPacket.builder().method("POST").uri("/grpcconnector.v1.HttpService/Stream")
                .protocol(Protocol.HTTP_2_0).header("te", "trailers").header("content-type", "application/grpc")
                .header("x-envoy-original-method", "POST").header("x-envoy-original-path", "/app/echo");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private static String refusal(HttpRequestPacket request) {
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> TRANSLATOR.translate(request, "", 0));
        assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
        return e.getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"transfer-encoding", "Transfer-Encoding", "connection", "keep-alive", "proxy-connection",
        "upgrade"})
    void connectionSpecificHeadersAreRefused(String name) {
        assertTrue(refusal(call(name, "chunked")).contains("RFC 9113 §8.2.2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x bad", "x:bad", ":x", "x\u00e9", "x\tbad", "x(y)", "x/y", ""})
    void namesThatAreNotTokensAreRefused(String name) {
        assertTrue(refusal(call(name, "1")).contains("is not a token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {" leading", "trailing ", "\tleading-tab", "trailing-tab\t", " "})
    void valuesWithSurroundingWhitespaceAreRefused(String value) {
        assertTrue(refusal(call("x-app", value)).contains("leading or trailing whitespace"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT", "connect"})
    void connectIsRefused(String method) {
        HttpRequestPacket request = call();
        request.getHeaders().setValue("x-envoy-original-method").setString(method);
        assertTrue(refusal(request).contains("CONNECT is not supported"));
    }

    @Test
    void ordinaryHeadersPass() throws Exception {
        HttpRequestPacket request = call("cookie", "a=1; b=2", "x-inner", "a  b\tc", "accept", "*/*", "x-empty", "",
                "user-agent", "Mozilla/5.0 (X11)");
        TRANSLATOR.translate(request, "", 0);
        assertEquals("a  b\tc", request.getHeader("x-inner"));
        assertEquals(List.of("a=1; b=2"), List.of(request.getHeader("cookie")));
    }
}
