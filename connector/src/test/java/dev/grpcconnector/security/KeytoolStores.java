package dev.grpcconnector.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keystores for the TLS unit tests, made by the JDK's own {@code keytool} (no test key is
 * committed): a self-signed key entry with a subject and a URI SAN, and a truststore
 * holding its certificate.
 */
public final class KeytoolStores {
    public static final String PASSWORD = "unit-test-password";
    public static final String SUBJECT = "CN=edge,O=Example Org";
    public static final String SPIFFE_ID = "spiffe://example.org/ns/edge/sa/envoy";

    private final Path keystore;
    private final Path truststore;

    private KeytoolStores(Path keystore, Path truststore) {
        this.keystore = keystore;
        this.truststore = truststore;
    }

    /** Creates {@code dir/edge.p12} (key entry {@code edge}) and {@code dir/trust.p12} (its certificate). */
    public static KeytoolStores in(Path dir) {
        Path keystore = dir.resolve("edge.p12");
        Path certificate = dir.resolve("edge.cer");
        Path truststore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "edge", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", SUBJECT,
                "-ext", "san=uri:" + SPIFFE_ID, "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "edge", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-file",
                certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "edge-ca", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", PASSWORD);
        return new KeytoolStores(keystore, truststore);
    }

    public Path keystore() {
        return keystore;
    }

    public Path truststore() {
        return truststore;
    }

    public X509Certificate certificate() {
        try {
            KeyStore store = KeyStore.getInstance(keystore.toFile(), PASSWORD.toCharArray());
            return (X509Certificate) store.getCertificate("edge");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + cmd + "\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
