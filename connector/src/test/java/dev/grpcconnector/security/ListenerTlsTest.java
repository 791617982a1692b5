package dev.grpcconnector.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.logging.RefusalLog;
import java.nio.file.Path;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.TransportFilter;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.ssl.SSLBaseFilter;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** {@link ListenerTls}: what it accepts as the listener's TLS, what it refuses, and where it goes in the chain. */
class ListenerTlsTest {
    private static final char[] PASSWORD = KeytoolStores.PASSWORD.toCharArray();
    private static final RefusalLog REFUSALS = new RefusalLog(java.util.logging.Logger.getLogger(
            ListenerTlsTest.class.getName()), "grpc-listener");
    @TempDir
    static Path dir;
    private static KeytoolStores stores;

    @BeforeAll
    static void stores() {
        stores = KeytoolStores.in(dir);
    }

    private static ListenerTls load(char[] keystorePassword, String nickname, Path truststore) {
        return ListenerTls.load(stores.keystore(), keystorePassword, nickname, truststore, PASSWORD,
                ClientCertificateCheck.allowing(KeytoolStores.SPIFFE_ID));
    }

    private static void assertRefused(String message, Executable load) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, load);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void describesTheListenersIdentityAndWhatItTrusts() {
        assertEquals("TLS (ALPN h2) as CN=edge,O=Example Org, client certificate required from 1 trusted CA "
                + "certificate(s), 1 allowed identities", load(PASSWORD, null, stores.truststore()).toString());
        assertEquals("TLS (ALPN h2) as CN=edge,O=Example Org, client certificate required from 1 trusted CA "
                + "certificate(s), 1 allowed identities", load(PASSWORD, "EDGE", stores.truststore()).toString());
    }

    @Test
    void unusableStoresAreRefusedSayingWhatToFix() {
        assertRefused("grpc-connector-tls-keystore: cannot open", () -> load("wrong".toCharArray(), null, stores.truststore()));
        assertRefused("grpc-connector-tls-cert-nickname: " + stores.keystore() + " has no key entry 's1as' (it has [edge])",
                () -> load(PASSWORD, "s1as", stores.truststore()));
        assertRefused("grpc-connector-tls-truststore: " + stores.keystore() + " holds no trusted certificate",
                () -> load(PASSWORD, null, stores.keystore()));
        assertRefused("grpc-connector-tls-truststore: cannot read", () -> load(PASSWORD, null, dir.resolve("missing.p12")));
    }

    @Test
    void replacesGlassFishsTlsFilterWithOneThatRequiresClientCertificates() {
        SSLBaseFilter glassfish = new SSLBaseFilter(new SSLEngineConfigurator(stub()), false);
        FilterChainBuilder builder = FilterChainBuilder.stateless().add(new TransportFilter()).add(glassfish)
                .add(new HttpServerFilter());
        assertTrue(load(PASSWORD, null, stores.truststore()).install(builder, REFUSALS));
        SSLBaseFilter connector = assertInstanceOf(SSLBaseFilter.class, builder.get(1));
        assertNotSame(glassfish, connector);
        assertTrue(connector.getServerSSLEngineConfigurator().isNeedClientAuth());
        assertFalse(connector.getServerSSLEngineConfigurator().isClientMode());
        assertEquals(3, builder.build().size());
    }

    @Test
    void withoutGlassFishsTlsFilterNothingIsInstalled() {
        FilterChainBuilder builder = FilterChainBuilder.stateless().add(new TransportFilter()).add(new HttpServerFilter());
        assertFalse(load(PASSWORD, null, stores.truststore()).install(builder, REFUSALS));
        assertEquals(2, builder.build().size());
    }

    private static javax.net.ssl.SSLContext stub() {
        try {
            return javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
