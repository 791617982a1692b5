package dev.grpcconnector.glassfish;

import dev.grpcconnector.security.ClientCertificateCheck;
import dev.grpcconnector.security.ListenerTls;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reads the connector's TLS settings (mutual TLS with the edge, docs/security.md) from the
 * listener's properties. TLS is on when {@value #KEYSTORE} is set; it then needs
 * {@value #TRUSTSTORE} too (client certificates are always required, and only the CAs of
 * that truststore are trusted). Passwords are secrets: a password alias or a file
 * ({@link SecretProperty}), never plain text in domain.xml.
 */
final class TlsProperties {
    static final String KEYSTORE = "grpc-connector-tls-keystore";
    static final String KEYSTORE_PASSWORD = "grpc-connector-tls-keystore-password";
    static final String CERT_NICKNAME = "grpc-connector-tls-cert-nickname";
    static final String TRUSTSTORE = "grpc-connector-tls-truststore";
    static final String TRUSTSTORE_PASSWORD = "grpc-connector-tls-truststore-password";

    private TlsProperties() {
    }

    /**
     * @return the listener's TLS, or {@code null} when {@value #KEYSTORE} is not set
     * @throws IllegalArgumentException for an incomplete or unusable TLS configuration,
     *     saying what to fix
     */
    static ListenerTls read(Function<String, String> property, Function<String, String> raw) {
        String keystore = blankToNull(property.apply(KEYSTORE));
        String truststore = blankToNull(property.apply(TRUSTSTORE));
        String allowList = blankToNull(property.apply(ClientCertificateCheck.PROPERTY));
        String keystorePassword = SecretProperty.read(property, raw, KEYSTORE_PASSWORD);
        String truststorePassword = SecretProperty.read(property, raw, TRUSTSTORE_PASSWORD);
        if (keystore == null) {
            for (String set : new String[] {truststore, allowList, keystorePassword, truststorePassword}) {
                if (set != null) {
                    throw new IllegalArgumentException("TLS properties are set but not " + KEYSTORE + " (the listener's "
                            + "key and certificate): set it, or remove the grpc-connector-tls-* and "
                            + ClientCertificateCheck.PROPERTY + " properties");
                }
            }
            return null;
        }
        if (truststore == null) {
            throw new IllegalArgumentException(KEYSTORE + " is set without " + TRUSTSTORE + ": client certificates are "
                    + "required, and only the CAs in that truststore are trusted (never the JVM's cacerts)");
        }
        if (keystorePassword == null) {
            throw new IllegalArgumentException(KEYSTORE + " is set without " + KEYSTORE_PASSWORD + "=${ALIAS=name} or "
                    + KEYSTORE_PASSWORD + "-file");
        }
        return ListenerTls.load(Path.of(keystore), keystorePassword.toCharArray(),
                blankToNull(property.apply(CERT_NICKNAME)), Path.of(truststore),
                truststorePassword == null ? null : truststorePassword.toCharArray(),
                ClientCertificateCheck.allowing(allowList));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
