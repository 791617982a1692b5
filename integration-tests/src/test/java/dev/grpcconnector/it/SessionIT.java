package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Form login, HttpSession and the JSESSIONID cookie, all through gRPC metadata. */
class SessionIT extends ConnectorTestBase {

    @Test
    void loginThenPrivatePageWithSessionCookie() {
        Response login = callExpecting(302, Request.of("POST", "/app/login")
                .body("application/x-www-form-urlencoded", "user=alice&password=secret"));
        assertEquals(List.of("/app/private"), login.header("location"));
        String session = null;
        for (String c : login.header("set-cookie")) {
            if (c.startsWith("JSESSIONID=")) {
                session = c.substring(0, c.indexOf(';') > 0 ? c.indexOf(';') : c.length());
            }
        }
        assertNotNull(session, () -> "no JSESSIONID in set-cookie: " + login.header("set-cookie"));

        Response privatePage = callExpecting(200, Request.get("/app/private").header("cookie", session));
        assertEquals("hello alice", privatePage.text());

        // Other cookies around it in one header, as browsers send them.
        Response again = callExpecting(200, Request.get("/app/private").header("cookie", "x=1; " + session + "; y=2"));
        assertEquals("hello alice", again.text());
    }

    @Test
    void privatePageWithoutSessionIs401() {
        callExpecting(401, Request.get("/app/private"));
        callExpecting(401, Request.get("/app/private").header("cookie", "JSESSIONID=not-a-session"));
    }

    @Test
    void wrongPasswordIs401() {
        Response r = callExpecting(401, Request.of("POST", "/app/login")
                .body("application/x-www-form-urlencoded", "user=alice&password=wrong"));
        assertEquals("bad credentials\n", r.text());
    }
}
