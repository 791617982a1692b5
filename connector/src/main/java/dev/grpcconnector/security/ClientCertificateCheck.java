package dev.grpcconnector.security;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ssl.SSLUtils;

/**
 * Decides whether the client certificate of a TLS connection on the connector's listener
 * is one of the edge's. The TLS handshake ({@link ListenerTls}) has already required a
 * certificate and verified it against the listener's own truststore, so a connection
 * without one, or with one from another CA, never gets this far; this check adds the
 * optional allow-list of client identities ({@value #PROPERTY}) and makes sure a request
 * did arrive over such a connection.
 *
 * <p>An identity is either a subject distinguished name ({@code CN=envoy,O=Example}),
 * compared as {@link X500Principal}s (the canonical form of RFC 2253: case and spacing of
 * attribute values do not matter), or a URI ({@code spiffe://example.org/ns/edge/sa/envoy},
 * anything of the form {@code scheme://…}), compared exactly with the certificate's URI
 * subject alternative names (SPIFFE X.509-SVIDs carry their ID there). Without an
 * allow-list every certificate the truststore accepts is the edge's.
 *
 * <p>The outcome is computed once per TLS session and kept in the session, so a
 * connection carrying thousands of calls pays for it once.
 */
public final class ClientCertificateCheck {
    /** The listener property that holds the allow-list, identities separated by {@code ;}. */
    public static final String PROPERTY = "grpc-connector-allowed-client-identities";
    static final String NO_TLS = "no TLS on this connection";
    static final String NO_CERTIFICATE = "no verified client certificate";
    static final String NOT_ALLOWED = "client certificate not in " + PROPERTY;
    private static final Pattern URI_IDENTITY = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://\\S+");
    private static final int SAN_URI = 6;
    private static final String ACCEPTED = "";

    private final List<X500Principal> subjects;
    private final List<String> uris;
    /** The SSLSession value under which this check keeps its outcome (one key per check: a rebuilt listener checks anew). */
    private final String sessionKey = ClientCertificateCheck.class.getName() + "@" + Integer.toHexString(
            System.identityHashCode(this));

    private ClientCertificateCheck(List<X500Principal> subjects, List<String> uris) {
        this.subjects = subjects;
        this.uris = uris;
    }

    /**
     * @param allowList the value of {@value #PROPERTY}: identities separated by {@code ;};
     *     {@code null} or blank for none (every certificate of the truststore's CAs is accepted)
     * @throws IllegalArgumentException for an entry that is neither a URI nor a
     *     distinguished name
     */
    public static ClientCertificateCheck allowing(String allowList) {
        List<X500Principal> subjects = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        if (allowList != null) {
            for (String entry : allowList.split(";")) {
                String identity = entry.trim();
                if (identity.isEmpty()) {
                    continue;
                }
                if (URI_IDENTITY.matcher(identity).matches()) {
                    uris.add(identity);
                    continue;
                }
                try {
                    subjects.add(new X500Principal(identity));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(PROPERTY + ": '" + identity + "' is neither a URI (scheme://...) nor "
                            + "a distinguished name such as CN=envoy,O=Example (" + e.getMessage() + ")", e);
                }
            }
        }
        return new ClientCertificateCheck(List.copyOf(subjects), List.copyOf(uris));
    }

    /**
     * @param connection the TCP connection a request arrived on
     * @return {@code null} when it is a TLS connection whose verified client certificate
     *     is the edge's, else why not: a short, fixed text fit for a log line
     */
    public String refusal(Connection<?> connection) {
        SSLEngine engine = connection == null ? null : SSLUtils.getSSLEngine(connection);
        if (engine == null) {
            return NO_TLS;
        }
        SSLSession session = engine.getSession();
        if (session.getValue(sessionKey) instanceof String known) {
            return known.equals(ACCEPTED) ? null : known;
        }
        String refusal;
        try {
            Certificate[] chain = session.getPeerCertificates();
            refusal = chain.length > 0 && chain[0] instanceof X509Certificate leaf ? refusal(leaf) : NO_CERTIFICATE;
        } catch (SSLPeerUnverifiedException e) {
            refusal = NO_CERTIFICATE;
        }
        session.putValue(sessionKey, refusal == null ? ACCEPTED : refusal);
        return refusal;
    }

    /** As {@link #refusal(Connection)} for the client's (already verified) leaf certificate. */
    String refusal(X509Certificate certificate) {
        if (subjects.isEmpty() && uris.isEmpty()) {
            return null;
        }
        if (subjects.contains(certificate.getSubjectX500Principal())) {
            return null;
        }
        for (String uri : uriNames(certificate)) {
            if (uris.contains(uri)) {
                return null;
            }
        }
        return NOT_ALLOWED;
    }

    private static List<String> uriNames(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            // The handshake verified the certificate; an unparsable extension just has no URI in it.
            return List.of();
        }
        List<String> found = new ArrayList<>();
        if (names != null) {
            for (List<?> name : names) {
                if (name.size() == 2 && Integer.valueOf(SAN_URI).equals(name.get(0)) && name.get(1) instanceof String uri) {
                    found.add(uri);
                }
            }
        }
        return found;
    }

    /** What is accepted, for the start-up log line. */
    @Override
    public String toString() {
        if (subjects.isEmpty() && uris.isEmpty()) {
            return "any certificate of the truststore's CAs";
        }
        return (subjects.size() + uris.size()) + " allowed identities";
    }
}
