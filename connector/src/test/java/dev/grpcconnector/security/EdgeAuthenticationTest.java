package dev.grpcconnector.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Protocol;
import org.junit.jupiter.api.Test;

/** {@link EdgeAuthentication}: who is trusted, and that the credential never stays in the request. */
class EdgeAuthenticationTest {
    private static final String CURRENT = "Y3VycmVudC1zZWNyZXQtZm9yLXRlc3Rz";
    private static final String PREVIOUS = "cHJldmlvdXMtc2VjcmV0LWZvci10ZXN0cw";
    private final EdgeAuthentication bySecret = EdgeAuthentication.requireSecret(SharedSecret.of(CURRENT, PREVIOUS));

    private static HttpRequestPacket request(String... secrets) {
        HttpRequestPacket.Builder builder = HttpRequestPacket.builder().protocol(Protocol.HTTP_2_0).method("POST")
                .uri("/grpcconnector.v1.HttpService/Stream").header("x-envoy-original-path", "/");
        for (String secret : secrets) {
            builder.header(SharedSecret.HEADER, secret);
        }
        return builder.build();
    }

    private static void assertCredentialRemoved(HttpRequestPacket request) {
        assertFalse(request.getHeaders().contains(SharedSecret.HEADER), "the credential must never reach the application");
        assertEquals("/", request.getHeader("x-envoy-original-path"), "other headers stay");
    }

    @Test
    void theCurrentAndThePreviousSecretAreAccepted() {
        for (String secret : new String[] {CURRENT, PREVIOUS}) {
            HttpRequestPacket request = request(secret);
            assertNull(bySecret.refusal(request));
            assertCredentialRemoved(request);
        }
    }

    @Test
    void missingWrongOrRepeatedSecretsAreRefused() {
        HttpRequestPacket none = request();
        assertEquals("no x-grpc-connector-secret metadata", bySecret.refusal(none));
        HttpRequestPacket wrong = request(CURRENT.substring(1));
        assertEquals("wrong x-grpc-connector-secret", bySecret.refusal(wrong));
        assertCredentialRemoved(wrong);
        HttpRequestPacket twice = request("forged-by-the-client-0123456789", CURRENT);
        assertEquals("more than one x-grpc-connector-secret", bySecret.refusal(twice));
        assertCredentialRemoved(twice);
    }

    @Test
    void aRefusalNeverContainsThePresentedValue() {
        String presented = "almost-" + CURRENT;
        assertFalse(bySecret.refusal(request(presented)).contains(presented));
    }

    @Test
    void healthChecksNeedNoCredentialButLoseIt() {
        HttpRequestPacket health = request(CURRENT);
        assertNull(bySecret.healthCheckRefusal(health));
        assertCredentialRemoved(health);
        assertNull(bySecret.healthCheckRefusal(request()));
    }

    @Test
    void insecureTrustsEveryoneAndStillRemovesTheCredential() {
        EdgeAuthentication insecure = EdgeAuthentication.insecureLoopback();
        HttpRequestPacket request = request("whatever-a-client-sends-here");
        assertNull(insecure.refusal(request));
        assertCredentialRemoved(request);
        assertTrue(insecure.toString().contains("INSECURE"));
    }

    @Test
    void aMisconfiguredListenerRefusesEverythingHealthChecksIncluded() {
        EdgeAuthentication refuseAll = EdgeAuthentication.refuseAll("no credential configured");
        String refusal = refuseAll.refusal(request(CURRENT));
        assertTrue(refusal.contains("no credential configured"), refusal);
        assertTrue(refuseAll.healthCheckRefusal(request()).contains("not configured"));
    }

    @Test
    void theLogDescriptionNeverShowsTheSecret() {
        assertFalse(bySecret.toString().contains(CURRENT));
        assertTrue(bySecret.toString().contains("2 accepted"), bySecret.toString());
    }

    /**
     * With mutual TLS a request must have arrived over a TLS connection with the edge's
     * certificate; the request packets here have no connection, so even the right secret
     * is refused, and health checks are refused too (Envoy's health checker presents the
     * certificate). The TLS path itself is MutualTlsIT's.
     */
    @Test
    void withMutualTlsARequestWithoutTheConnectionsCertificateIsRefusedWhateverItsSecret() {
        EdgeAuthentication both = EdgeAuthentication.requireClientCertificate(ClientCertificateCheck.allowing(null),
                SharedSecret.of(CURRENT, null));
        HttpRequestPacket request = request(CURRENT);
        assertEquals("no TLS on this connection", both.refusal(request));
        assertCredentialRemoved(request);
        assertEquals("no TLS on this connection", both.healthCheckRefusal(request(CURRENT)));
        assertEquals("client certificate (mutual TLS, any certificate of the truststore's CAs) and shared secret in "
                + "x-grpc-connector-secret (1 accepted)", both.toString());
        assertEquals("client certificate (mutual TLS, any certificate of the truststore's CAs)",
                EdgeAuthentication.requireClientCertificate(ClientCertificateCheck.allowing(null), null).toString());
    }
}
