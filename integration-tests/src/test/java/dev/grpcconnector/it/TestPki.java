package dev.grpcconnector.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities and certificates for the mutual-TLS tests, made fresh in each
 * run (nothing is committed): a CA, the listener's certificate it signs (for 127.0.0.1 and
 * localhost), client certificates it signs, and a second, unrelated CA whose certificates
 * the listener must refuse. Keys are EC P-256, stores PKCS12 with random passwords in
 * files (mode 600), as the connector's {@code -password-file} properties read them.
 */
final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key with its certificate chain, as the files a TLS client or server is given. */
    record Identity(Path keystore, Path passwordFile, String password, Path certificatePem, Path keyPem,
            X509Certificate certificate) {
        /** Key managers presenting this identity (for grpc-java, the JDK's HttpClient, SSLSocket). */
        KeyManagerFactory keyManagers() {
            try {
                KeyStore store = KeyStore.getInstance(keystore.toFile(), password.toCharArray());
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, password.toCharArray());
                return factory;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A certificate authority: its key signs, its certificate goes into truststores. */
    final class Authority {
        private final String name;
        private final KeyPair key;
        private final X509Certificate certificate;
        private final X500Name subject;

        private Authority(String name) throws GeneralSecurityException {
            this.name = name;
            key = keyPair();
            subject = name("CN=" + name + ",O=grpc-connector tests");
            X509v3CertificateBuilder builder = builder(subject, subject, key);
            try {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                certificate = sign(builder, key);
            } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
                throw new GeneralSecurityException(e);
            }
        }

        X509Certificate certificate() {
            return certificate;
        }

        /** Trust managers that trust this CA only (a client's view of the listener). */
        TrustManagerFactory trustManagers() {
            try {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                trusted.setCertificateEntry(name, certificate);
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trusted);
                return trust;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The listener's identity: serverAuth, SAN 127.0.0.1 and localhost. */
        Identity server(String fileName) {
            return issue(fileName, "CN=grpc-listener,O=grpc-connector tests", KeyPurposeId.id_kp_serverAuth,
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost"));
        }

        /** A client identity: clientAuth, the given subject and, when not {@code null}, a URI SAN (SPIFFE ID). */
        Identity client(String fileName, String subject, String uri) {
            return uri == null ? issue(fileName, subject, KeyPurposeId.id_kp_clientAuth)
                    : issue(fileName, subject, KeyPurposeId.id_kp_clientAuth,
                            new GeneralName(GeneralName.uniformResourceIdentifier, uri));
        }

        /** A truststore holding only this CA's certificate, with its password file. */
        Identity truststore(String fileName) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry(name, certificate);
                String password = password();
                Path file = dir.resolve(fileName + ".p12");
                try (OutputStream out = Files.newOutputStream(file)) {
                    store.store(out, password.toCharArray());
                }
                Path pem = dir.resolve(fileName + ".pem");
                writePem(pem, certificate);
                return new Identity(file, secretFile(fileName + ".password", password), password, pem, null, certificate);
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private Identity issue(String fileName, String subject, KeyPurposeId purpose, GeneralName... names) {
            try {
                KeyPair pair = keyPair();
                X509v3CertificateBuilder builder = builder(this.subject, name(subject), pair);
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                if (names.length > 0) {
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
                }
                X509Certificate leaf = sign(builder, key);
                String password = password();
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(fileName, pair.getPrivate(), password.toCharArray(), new Certificate[] {leaf, certificate});
                Path file = dir.resolve(fileName + ".p12");
                try (OutputStream out = Files.newOutputStream(file)) {
                    store.store(out, password.toCharArray());
                }
                Path certificatePem = dir.resolve(fileName + "-cert.pem");
                writePem(certificatePem, leaf, certificate);
                Path keyPem = dir.resolve(fileName + "-key.pem");
                // PKCS#8 ("PRIVATE KEY"), which OpenSSL 3 reads for any key type.
                Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                        .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n",
                        StandardCharsets.US_ASCII);
                Files.setPosixFilePermissions(keyPem, PosixFilePermissions.fromString("rw-------"));
                return new Identity(file, secretFile(fileName + ".password", password), password, certificatePem, keyPem,
                        leaf);
            } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Path dir;

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** A PKI whose files go into {@code dir} (created). */
    static TestPki in(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestPki(dir);
    }

    Authority authority(String name) {
        try {
            return new Authority(name);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client-side SSLContext: {@code identity} as the client certificate (or none), trusting only {@code ca}. */
    static SSLContext clientContext(Identity identity, Authority ca) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity == null ? null : identity.keyManagers().getKeyManagers(),
                    ca.trustManagers().getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A name encoded as the JDK (and keytool, OpenSSL) encode an RFC 2253 string: its last
     * RDN first. (BouncyCastle's own string parser keeps the written order, which would give
     * certificates whose subject reads backwards.)
     */
    private static X500Name name(String rfc2253) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(rfc2253).getEncoded());
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256, RANDOM);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, key.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static String password() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private Path secretFile(String name, String secret) throws IOException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
        return file;
    }

    private static void writePem(Path file, Object... objects) throws IOException {
        List<Object> all = new ArrayList<>(List.of(objects));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (Object o : all) {
                pem.writeObject(o);
            }
        }
    }
}
