package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Host, scheme, client address and method as the application sees them (DESIGN §1, contract §1). */
class RequestViewIT extends ConnectorTestBase {

    @Test
    void hostComesFromAuthority() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo")).json();
        assertEquals("127.0.0.1", echo.get("serverName"));
        assertEquals((long) server.grpcPort(), echo.get("serverPort"));
        assertEquals(List.of("127.0.0.1:" + server.grpcPort()), seenHeader(echo, "host"));
    }

    @Test
    void hostComesFromForwardedHostWhenPresent() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo")
                .header("x-forwarded-host", "shop.example.com:8443")).json();
        assertEquals("shop.example.com", echo.get("serverName"));
        assertEquals(8443L, echo.get("serverPort"));
        assertEquals(List.of("shop.example.com:8443"), seenHeader(echo, "host"));
    }

    @Test
    void httpsWhenForwardedProtoIsHttps() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo").forwardedProto("https")
                .header("x-forwarded-host", "shop.example.com")).json();
        assertEquals("https", echo.get("scheme"));
        assertEquals(Boolean.TRUE, echo.get("isSecure"));
        assertEquals("shop.example.com", echo.get("serverName"));
    }

    @Test
    void httpWhenForwardedProtoIsHttp() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo").forwardedProto("http")).json();
        assertEquals("http", echo.get("scheme"));
        assertEquals(Boolean.FALSE, echo.get("isSecure"));
    }

    @Test
    void remoteAddrFromForwardedForWithOneTrustedHop() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo")
                .forwardedFor("203.0.113.7, 198.51.100.2")).json();
        assertEquals("198.51.100.2", echo.get("remoteAddr"));
    }

    @Test
    void remoteAddrFromSingleForwardedFor() {
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo").forwardedFor("192.0.2.44")).json();
        assertEquals("192.0.2.44", echo.get("remoteAddr"));
    }

    @Test
    void lastOriginalMethodWins() {
        // Contract Q5: a client-supplied x-envoy-original-method comes first, Envoy's own last.
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo")
                .header("x-envoy-original-method", "DELETE")).json();
        assertEquals("GET", echo.get("method"));
    }

    @Test
    void queryOnlyFromOriginalPath() {
        // Contract Q3: HttpBody field names in the query are nothing special to the backend.
        Map<String, Object> echo = callExpecting(200, Request.get("/app/echo?data=x&content_type=y")).json();
        assertEquals("data=x&content_type=y", echo.get("queryString"));
        assertEquals(List.of("x"), param(echo, "data"));
        assertEquals(List.of("y"), param(echo, "content_type"));
    }
}
