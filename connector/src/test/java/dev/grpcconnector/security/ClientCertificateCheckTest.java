package dev.grpcconnector.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ClientCertificateCheck}: which verified client certificates are the edge's. */
class ClientCertificateCheckTest {
    @TempDir
    static Path dir;
    private static X509Certificate edge;

    @BeforeAll
    static void certificate() {
        edge = KeytoolStores.in(dir).certificate();
    }

    @Test
    void withoutAnAllowListEveryVerifiedCertificateIsTheEdges() {
        assertNull(ClientCertificateCheck.allowing(null).refusal(edge));
        assertNull(ClientCertificateCheck.allowing(" ; ").refusal(edge));
        assertEquals("any certificate of the truststore's CAs", ClientCertificateCheck.allowing("").toString());
    }

    @Test
    void aUriSanOnTheListIsAccepted() {
        assertNull(ClientCertificateCheck.allowing("spiffe://example.org/other;" + KeytoolStores.SPIFFE_ID).refusal(edge));
    }

    @Test
    void aSubjectOnTheListIsAcceptedInAnyCanonicallyEqualSpelling() {
        assertNull(ClientCertificateCheck.allowing(KeytoolStores.SUBJECT).refusal(edge));
        assertNull(ClientCertificateCheck.allowing("cn=EDGE,  o=example org").refusal(edge));
    }

    @Test
    void anythingElseIsRefused() {
        ClientCertificateCheck check = ClientCertificateCheck.allowing(
                "spiffe://example.org/ns/edge/sa/envoy2; spiffe://example.org/ns/edge ;CN=edge,O=Other;CN=edge");
        assertEquals(ClientCertificateCheck.NOT_ALLOWED, check.refusal(edge));
        assertEquals("4 allowed identities", check.toString());
    }

    @Test
    void aRequestWithoutTlsIsRefused() {
        assertEquals(ClientCertificateCheck.NO_TLS, ClientCertificateCheck.allowing(null).refusal((org.glassfish.grizzly.Connection<?>) null));
    }

    @Test
    void anEntryThatIsNeitherUriNorNameIsAConfigurationError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientCertificateCheck.allowing("spiffe://example.org/edge;just a name"));
        assertTrue(e.getMessage().contains("'just a name' is neither a URI"), e.getMessage());
    }
}
