package dev.grpcconnector.security;

import dev.grpcconnector.logging.RefusalLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http2.AlpnSupport;
import org.glassfish.grizzly.ssl.SSLBaseFilter;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;

/**
 * The connector's own TLS on its listener: h2 over TLS (ALPN {@code h2}) with a client
 * certificate <em>required</em> and verified against the listener's own truststore only
 * (never the JVM's {@code cacerts}), so that mutual TLS can be the edge's credential
 * (docs/security.md).
 *
 * <p><b>Why the connector does TLS itself.</b> GlassFish 8.0.0 builds a listener's
 * {@code SSLBaseFilter} from the {@code <ssl>} element, but its SSL context factory
 * ({@code com.sun.enterprise.security.ssl.GlassFishSSLContextFactory} in
 * {@code security.jar}) only logs the element's {@code key-store} attribute: the key
 * managers come from the domain's keystore ({@code keystore.p12}, the element's
 * {@code cert-nickname} selects the entry), and the trust store is the domain-wide one
 * ({@code cacerts.p12}, which holds every public CA), whatever {@code trust-store} says.
 * "Client certificates required" there would accept a certificate of any public CA. The
 * protocol keeps {@code security-enabled=true} (that is what makes GlassFish register
 * HTTP/2's ALPN negotiator for the listener), and {@link #install} replaces GlassFish's
 * {@code SSLBaseFilter} in the chain with one built here, from the
 * connector's properties, and hooks ALPN onto it.
 *
 * <p>The keystore and truststore are read when the listener is built: a renewed
 * certificate takes effect at the next restart of the listener (docs/security.md,
 * certificate rotation).
 */
public final class ListenerTls {
    private static final Logger LOG = Logger.getLogger(ListenerTls.class.getName());
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLContext context;
    private final ClientCertificateCheck clientCertificates;
    private final String description;

    private ListenerTls(SSLContext context, ClientCertificateCheck clientCertificates, String description) {
        this.context = context;
        this.clientCertificates = clientCertificates;
        this.description = description;
    }

    /**
     * Reads the listener's key and the CAs it trusts for client certificates.
     *
     * @param keystore PKCS12 or JKS file with the listener's private key and certificate chain
     * @param keystorePassword its password, also the key's
     * @param nickname the key entry's alias, or {@code null} when the keystore has exactly one
     * @param truststore PKCS12 or JKS file with the CA certificates client certificates must
     *     chain to (the edge's CA; nothing else)
     * @param truststorePassword its password, or {@code null}
     * @param clientCertificates the allow-list applied once a certificate is verified
     * @throws IllegalArgumentException saying what to fix: a file that is missing or
     *     unreadable, a wrong password, no or several key entries, an empty truststore
     */
    public static ListenerTls load(Path keystore, char[] keystorePassword, String nickname, Path truststore,
            char[] truststorePassword, ClientCertificateCheck clientCertificates) {
        KeyStore keys = read("grpc-connector-tls-keystore", keystore, keystorePassword);
        KeyStore trusted = read("grpc-connector-tls-truststore", truststore, truststorePassword);
        try {
            String alias = keyAlias(keys, nickname, keystore);
            KeyStore single = KeyStore.getInstance("PKCS12");
            single.load(null, null);
            Key key = keys.getKey(alias, keystorePassword);
            Certificate[] chain = keys.getCertificateChain(alias);
            if (!(key instanceof PrivateKey) || chain == null || chain.length == 0) {
                throw new IllegalArgumentException("grpc-connector-tls-keystore: entry '" + alias + "' of " + keystore
                        + " is not a private key with its certificate chain");
            }
            single.setKeyEntry(alias, key, keystorePassword, chain);
            warnUnlessValid(alias, chain[0]);
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(single, keystorePassword);
            int anchors = trustedCertificates(trusted);
            if (anchors == 0) {
                throw new IllegalArgumentException("grpc-connector-tls-truststore: " + truststore + " holds no trusted "
                        + "certificate (import the CA of the edge's client certificates: keytool -importcert)");
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            String subject = chain[0] instanceof X509Certificate x509 ? x509.getSubjectX500Principal().getName() : alias;
            return new ListenerTls(context, clientCertificates, "TLS (ALPN h2) as " + subject + ", client certificate "
                    + "required from " + anchors + " trusted CA certificate(s), " + clientCertificates);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("grpc-connector-tls-keystore: cannot use the key in " + keystore + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Replaces GlassFish's TLS filter of the listener's chain with the connector's. A
     * failed handshake (no client certificate, one of another CA, no common protocol) is
     * logged through {@code refusals}, rate-limited, with the peer and the JDK's reason.
     *
     * @return {@code false} when the chain has no TLS filter (the protocol's
     *     {@code security-enabled} is false): nothing is changed
     */
    public boolean install(FilterChainBuilder builder, RefusalLog refusals) {
        int index = builder.indexOfType(SSLBaseFilter.class);
        if (index < 0) {
            return false;
        }
        SSLBaseFilter glassfish = (SSLBaseFilter) builder.get(index);
        SSLEngineConfigurator engines = new SSLEngineConfigurator(context, false, true, false);
        engines.setEnabledProtocols(PROTOCOLS);
        SSLBaseFilter connector = new SSLBaseFilter(engines, false);
        connector.setRenegotiationDisabled(true);
        connector.setHandshakeTimeout(glassfish.getHandshakeTimeout(TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS);
        if (AlpnSupport.isEnabled()) {
            // Http2AddOn registered the listener's h2 negotiator for the transport and hooked
            // it onto GlassFish's filter; the replacement needs the same hook.
            AlpnSupport.getInstance().configure(connector);
        }
        connector.addHandshakeListener(new HandshakeFailures(refusals));
        builder.set(index, connector);
        return true;
    }

    /** Logs failed handshakes: they never reach HTTP, so nothing else would tell the operator. */
    private record HandshakeFailures(RefusalLog refusals) implements SSLBaseFilter.HandshakeListener {
        @Override
        public void onStart(Connection<?> connection) {
            // Nothing to do before the handshake; failures are what matter.
        }

        @Override
        public void onComplete(Connection<?> connection) {
            // A completed handshake has a verified client certificate; the allow-list is checked per request.
        }

        @Override
        public void onFailure(Connection<?> connection, Throwable failure) {
            refusals.refused(Level.WARNING, "connection refused, TLS handshake failed", "from " + connection.getPeerAddress() + ": "
                    + failure.getMessage());
        }
    }

    /** The allow-list applied to every request on the listener. */
    public ClientCertificateCheck clientCertificates() {
        return clientCertificates;
    }

    @Override
    public String toString() {
        return description;
    }

    private static KeyStore read(String property, Path file, char[] password) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(property + ": cannot read " + file);
        }
        try {
            return KeyStore.getInstance(file.toFile(), password);
        } catch (IOException e) {
            throw new IllegalArgumentException(property + ": cannot open " + file + " (a wrong password, or not a PKCS12 "
                    + "or JKS keystore: " + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(property + ": cannot open " + file + " (" + e.getMessage() + ")", e);
        }
    }

    private static String keyAlias(KeyStore keys, String nickname, Path keystore) throws GeneralSecurityException {
        List<String> keyAliases = new ArrayList<>();
        for (String alias : Collections.list(keys.aliases())) {
            if (keys.isKeyEntry(alias)) {
                keyAliases.add(alias);
            }
        }
        if (nickname != null) {
            for (String alias : keyAliases) {
                if (alias.equalsIgnoreCase(nickname)) {
                    return alias;
                }
            }
            throw new IllegalArgumentException("grpc-connector-tls-cert-nickname: " + keystore + " has no key entry '"
                    + nickname + "' (it has " + keyAliases + ")");
        }
        if (keyAliases.size() != 1) {
            throw new IllegalArgumentException("grpc-connector-tls-keystore: " + keystore + " has " + keyAliases.size()
                    + " key entries " + keyAliases + "; name the listener's with grpc-connector-tls-cert-nickname");
        }
        return keyAliases.get(0);
    }

    private static int trustedCertificates(KeyStore trusted) throws GeneralSecurityException {
        int count = 0;
        for (String alias : Collections.list(trusted.aliases())) {
            if (trusted.isCertificateEntry(alias)) {
                count++;
            }
        }
        return count;
    }

    private static void warnUnlessValid(String alias, Certificate certificate) {
        if (!(certificate instanceof X509Certificate x509)) {
            return;
        }
        try {
            x509.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            LOG.log(Level.WARNING, "gRPC connector TLS: the listener''s certificate ''{0}'' is not valid now ({1}); "
                    + "every TLS handshake will fail until it is renewed", new Object[] {alias, e.getMessage()});
        }
    }
}
