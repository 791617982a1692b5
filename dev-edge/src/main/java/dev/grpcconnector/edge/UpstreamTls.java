package dev.grpcconnector.edge;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The edge's side of mutual TLS with the connector's listener (docs/security.md): the
 * client certificate it presents ({@code --tls-keystore}, PKCS12 or JKS) and the CA(s) it
 * trusts for the listener's certificate ({@code --tls-truststore}), each with a
 * {@code -password-file}. The channel offers ALPN {@code h2} and checks the listener's
 * certificate against the backend's host name, as Envoy's {@code UpstreamTlsContext} with
 * {@code alpn_protocols: [h2]} and a SAN matcher does.
 */
record UpstreamTls(Path keystore, Path keystorePasswordFile, Path truststore, Path truststorePasswordFile) {
    static final String USAGE = "--tls-keystore=FILE --tls-keystore-password-file=FILE --tls-truststore=FILE "
            + "[--tls-truststore-password-file=FILE]";
    private static final List<String> OPTIONS = List.of("tls-keystore", "tls-keystore-password-file", "tls-truststore",
            "tls-truststore-password-file");

    static boolean isOption(String arg) {
        return OPTIONS.stream().anyMatch(o -> arg.startsWith("--" + o + "="));
    }

    /**
     * @param value an option's value, {@code ""} when not given
     * @return {@code null} when no TLS option is given (h2c)
     * @throws IllegalArgumentException when some but not all required options are given
     */
    static UpstreamTls of(Function<String, String> value) {
        String keystore = value.apply("tls-keystore");
        String keystorePassword = value.apply("tls-keystore-password-file");
        String truststore = value.apply("tls-truststore");
        String truststorePassword = value.apply("tls-truststore-password-file");
        if ((keystore + keystorePassword + truststore + truststorePassword).isBlank()) {
            return null;
        }
        if (keystore.isBlank() || keystorePassword.isBlank() || truststore.isBlank()) {
            throw new IllegalArgumentException("TLS to the connector needs " + USAGE
                    + " (its listener requires a client certificate)");
        }
        return new UpstreamTls(Path.of(keystore), Path.of(keystorePassword), Path.of(truststore),
                truststorePassword.isBlank() ? null : Path.of(truststorePassword));
    }

    /** The channel credentials: this client certificate, trusting only the truststore's CAs. */
    ChannelCredentials credentials() throws IOException {
        try {
            char[] keyPassword = password(keystorePasswordFile);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(KeyStore.getInstance(keystore.toFile(), keyPassword), keyPassword);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(KeyStore.getInstance(truststore.toFile(),
                    truststorePasswordFile == null ? null : password(truststorePasswordFile)));
            return TlsChannelCredentials.newBuilder().keyManager(keys.getKeyManagers())
                    .trustManager(trust.getTrustManagers()).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use --tls-keystore " + keystore + " / --tls-truststore " + truststore
                    + ": " + e.getMessage(), e);
        }
    }

    private static char[] password(Path file) throws IOException {
        String password = Files.readString(file, StandardCharsets.UTF_8);
        if (password.endsWith("\n")) {
            password = password.substring(0, password.length() - (password.endsWith("\r\n") ? 2 : 1));
        }
        return password.toCharArray();
    }
}
