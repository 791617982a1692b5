package dev.grpcconnector.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Validates {@code envoy/upstream-mtls.yaml}, the cluster transport socket for mutual TLS
 * with the connector's listener, the way its header says to use it: spliced into the
 * {@code glassfish} cluster of {@code envoy/envoy.yaml}, the whole bootstrap parsed with
 * Envoy's own protos ({@link EnvoyBootstrap}), and the parts the listener relies on checked.
 */
class EnvoyUpstreamMtlsTest {
    private static String fragment;
    private static Cluster cluster;
    private static UpstreamTlsContext tls;

    @BeforeAll
    static void splice() throws IOException {
        fragment = Repository.read(Repository.UPSTREAM_MTLS_YAML);
        Bootstrap bootstrap = EnvoyBootstrap.parse(spliced(fragment));
        cluster = bootstrap.getStaticResources().getClustersList().stream()
                .filter(c -> c.getName().equals("glassfish")).findFirst().orElseThrow();
        tls = cluster.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    }

    /** envoy.yaml with the fragment's lines added to the glassfish cluster, at its field indentation. */
    private static String spliced(String transportSocket) {
        String yaml = Repository.read(Repository.ENVOY_YAML);
        String anchor = "\n  - name: glassfish\n";
        int at = yaml.indexOf(anchor);
        assertTrue(at >= 0, "envoy.yaml has the glassfish cluster");
        String indented = transportSocket.lines().filter(l -> !l.startsWith("#"))
                .map(l -> "    " + l).collect(Collectors.joining("\n", "", "\n"));
        int insert = at + anchor.length();
        return yaml.substring(0, insert) + indented + yaml.substring(insert);
    }

    @Test
    void theClusterSpeaksTlsWithAlpnH2() {
        assertEquals("envoy.transport_sockets.tls", cluster.getTransportSocket().getName());
        CommonTlsContext common = tls.getCommonTlsContext();
        assertEquals(List.of("h2"), common.getAlpnProtocolsList(), "the listener negotiates h2 only");
        assertTrue(cluster.getTypedExtensionProtocolOptionsMap().containsKey("envoy.extensions.upstreams.http.v3.HttpProtocolOptions"),
                "still HTTP/2 only (explicit_http_config)");
    }

    @Test
    void envoyPresentsAClientCertificateFromFiles() {
        TlsCertificate certificate = tls.getCommonTlsContext().getTlsCertificates(0);
        assertTrue(certificate.getCertificateChain().hasFilename(), "the chain from a file: " + certificate);
        assertTrue(certificate.getPrivateKey().hasFilename(), "the key from a file, never inline in the YAML");
    }

    @Test
    void onlyTheListenersCaAndHostNameAreTrusted() {
        CertificateValidationContext validation = tls.getCommonTlsContext().getValidationContext();
        assertTrue(validation.getTrustedCa().hasFilename(), "a CA of its own, not the system's: " + validation);
        SubjectAltNameMatcher san = validation.getMatchTypedSubjectAltNames(0);
        assertEquals(SubjectAltNameMatcher.SanType.DNS, san.getSanType());
        assertEquals(tls.getSni(), san.getMatcher().getExact(), "SNI and the checked name are the listener's host");
        assertEquals("glassfish", tls.getSni(), "the compose service name of envoy.yaml's endpoint");
    }

    @Test
    void aMisspelledFieldInTheFragmentFailsTheValidation() {
        String typo = fragment.replace("alpn_protocols:", "alpn_protocol:");
        assertThrows(InvalidProtocolBufferException.class, () -> EnvoyBootstrap.parse(spliced(typo)));
    }
}
