package dev.grpcconnector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Runs glassfish-config/install.sh and uninstall.sh against a real GlassFish 8.0.0
 * domain (created on free ports inside target/, deleted at the end) and checks the
 * result with {@code asadmin get}: install from a stopped domain, install again on the
 * running domain with other values, uninstall twice.
 */
class InstallScriptsTest {

    private static final String DOMAIN = "scripts-test";
    private static final String HTTP = "configs.config.server-config.network-config.protocols.protocol.grpc-listener.http";
    private static final String LISTENER = "configs.config.server-config.network-config.network-listeners.network-listener.grpc-listener";
    private static final String POOL = "configs.config.server-config.thread-pools.thread-pool.grpc-thread-pool";
    /** Offsets from --portbase that create-domain uses (admin = +48, http = +80, ...). */
    private static final int[] PORTBASE_OFFSETS = {9, 37, 38, 39, 48, 66, 76, 80, 81, 86};
    private static final long COMMAND_TIMEOUT_SECONDS = 240;

    private final Path glassfishHome = Path.of(required("glassfish.home"));
    private final Path scriptsDir = Path.of(required("scripts.dir"));
    private final Path connectorTarget = Path.of(required("connector.target.dir"));
    private final Path workDir = Path.of(required("test.work.dir"));
    private final Path asadmin = glassfishHome.resolve("bin/asadmin");
    private final Path moduleJar = glassfishHome.resolve("glassfish/modules/grpc-connector.jar");
    private final String javaHome = System.getProperty("java.home");

    private final long startNanos = System.nanoTime();
    private int adminPort;
    private int grpcPort;
    private int grpcPort2;

    @Test
    void installTwiceThenUninstallTwice() throws Exception {
        Files.createDirectories(workDir);
        makeExecutable();
        createDomainOnFreePorts();
        step("domain " + DOMAIN + " created, admin port " + adminPort);
        try {
            // The real connector jar when the reactor built it (the script finds it
            // itself), otherwise a tiny jar given with --jar.
            Optional<Path> realJar = findConnectorJar();
            Path jar = realJar.orElseGet(this::tinyJar);
            List<String> jarOption = realJar.isPresent() ? List.of() : List.of("--jar", jar.toString());

            // 0. No listener open to everyone without a credential: refused before any change.
            String refused = scriptRefusing(List.of("install.sh", glassfishHome.toString(), "--domain", DOMAIN,
                    "--port", String.valueOf(grpcPort), "--address", "0.0.0.0"));
            assertTrue(refused.contains("refusing to open the gRPC listener on 0.0.0.0 without a credential"), refused);
            refused = scriptRefusing(List.of("install.sh", glassfishHome.toString(), "--domain", DOMAIN,
                    "--port", String.valueOf(grpcPort), "--address", "192.0.2.10", "--insecure"));
            assertTrue(refused.contains("--insecure is for development on a loopback address only"), refused);
            Path weak = Files.writeString(workDir.resolve("weak-secret"), "too-short\n");
            refused = scriptRefusing(List.of("install.sh", glassfishHome.toString(), "--domain", DOMAIN,
                    "--port", String.valueOf(grpcPort), "--secret-file", weak.toString()));
            assertTrue(refused.contains("16 or more printable ASCII characters"), refused);
            assertFalse(Files.exists(moduleJar), "a refused run changes nothing");
            step("install.sh refused an open listener, insecure on a non-loopback address and a weak secret");

            // 1. Domain stopped: the script starts it, configures it and stops it again.
            List<String> first = new ArrayList<>(List.of(
                    "install.sh", glassfishHome.toString(), "--domain", DOMAIN,
                    "--port", String.valueOf(grpcPort), "--pool-size", "16", "--trusted-hops", "2",
                    "--max-message-bytes", "1048576", "--drain-seconds", "5", "--idle-timeout", "120",
                    "--max-header-list-bytes", "65536", "--max-concurrent-streams", "500"));
            first.addAll(jarOption);
            String out = script(first);
            step("install.sh on the stopped domain done");
            assertTrue(out.contains("created network listener grpc-listener"), out);
            assertFalse(domainRunning(), "install.sh must leave a stopped domain stopped");
            assertTrue(Files.isRegularFile(moduleJar), "module jar installed");
            assertEquals(-1, Files.mismatch(jar, moduleJar), "module jar is a copy of " + jar);

            asadminOk("start-domain", DOMAIN);
            step("domain started");
            Map<String, String> pool = getAll(POOL);
            Map<String, String> http = getAll(HTTP);
            assertEquals("16", pool.get("max-thread-pool-size"));
            assertEquals("8", pool.get("min-thread-pool-size"));
            assertEquals("120", http.get("timeout-seconds"));
            assertEquals("65536", http.get("http2-max-header-list-size-in-bytes"));
            assertEquals("500", http.get("http2-max-concurrent-streams"));
            assertEquals("2", http.get("property.grpc-connector-trusted-proxy-hops"));
            assertEquals("1048576", http.get("property.grpc-connector-max-message-bytes"));
            assertEquals("5", http.get("property.grpc-connector-shutdown-drain-seconds"));
            assertEquals(String.valueOf(grpcPort), getAll(LISTENER).get("port"));
            // Without --secret-file on a loopback address: a generated secret in an alias.
            assertEquals("127.0.0.1", getAll(LISTENER).get("address"));
            assertEquals("${ALIAS=grpc-connector-secret}", http.get("property.grpc-connector-secret"));
            Path generated = glassfishHome.resolve("glassfish/domains/" + DOMAIN + "/config/grpc-connector-secret");
            assertTrue(out.contains("generated a random secret into " + generated), out);
            assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(generated));
            assertTrue(Files.readString(generated).matches("[A-Za-z0-9]{32,}"), "a random secret");
            assertEquals(List.of("grpc-connector-secret"), aliases());

            // 2. Domain running, second run: defaults, another port, admin port given;
            //    values are updated and the domain is restarted.
            //    A rotation: a new secret and the previous one, from files.
            Path current = Files.writeString(workDir.resolve("current-secret"), "Y3VycmVudC1zZWNyZXQtMDEyMzQ1Njc4\n");
            Path previous = Files.writeString(workDir.resolve("previous-secret"), "cHJldmlvdXMtc2VjcmV0LTAxMjM0NTY3");
            List<String> second = new ArrayList<>(List.of(
                    "install.sh", glassfishHome.toString(), "--domain=" + DOMAIN,
                    "--port=" + grpcPort2, "--admin-port", String.valueOf(adminPort),
                    "--secret-file", current.toString(), "--previous-secret-file=" + previous));
            second.addAll(jarOption);
            out = script(second);
            step("install.sh on the running domain done");
            assertTrue(out.contains("updated network listener grpc-listener"), out);
            assertTrue(out.contains("restarting domain"), out);
            assertTrue(domainRunning(), "install.sh must leave a running domain running");

            assertTrue(asadminOk("list-network-listeners").lines().anyMatch("grpc-listener"::equals));
            assertTrue(asadminOk("list-protocols").lines().anyMatch("grpc-listener"::equals));
            assertTrue(asadminOk("list-threadpools", "server").lines().anyMatch("grpc-thread-pool"::equals));
            pool = getAll(POOL);
            http = getAll(HTTP);
            Map<String, String> listener = getAll(LISTENER);
            assertEquals("64", pool.get("max-thread-pool-size"));
            assertEquals("8", pool.get("min-thread-pool-size"));
            assertEquals("true", http.get("comet-support-enabled"));
            assertEquals("x-forwarded-proto", http.get("scheme-mapping"));
            assertEquals("3900", http.get("timeout-seconds"));
            assertEquals("81920", http.get("http2-max-header-list-size-in-bytes"));
            assertEquals("2048", http.get("http2-max-concurrent-streams"));
            assertEquals("true", http.get("http2-enabled"));
            assertEquals("server", http.get("default-virtual-server"));
            assertEquals("true", http.get("property.grpc-connector"));
            assertEquals("1", http.get("property.grpc-connector-trusted-proxy-hops"));
            assertEquals("16777216", http.get("property.grpc-connector-max-message-bytes"));
            assertEquals("0", http.get("property.grpc-connector-shutdown-drain-seconds"));
            assertEquals(String.valueOf(grpcPort2), listener.get("port"));
            assertEquals("127.0.0.1", listener.get("address"));
            assertTrue(out.contains("updated password alias grpc-connector-secret"), out);
            assertTrue(out.contains("created password alias grpc-connector-previous-secret"), out);
            assertEquals("${ALIAS=grpc-connector-secret}", http.get("property.grpc-connector-secret"));
            assertEquals("${ALIAS=grpc-connector-previous-secret}", http.get("property.grpc-connector-previous-secret"));
            assertEquals(List.of("grpc-connector-previous-secret", "grpc-connector-secret"), aliases());
            String domainXml = Files.readString(glassfishHome.resolve("glassfish/domains/" + DOMAIN + "/config/domain.xml"));
            assertFalse(domainXml.contains("Y3VycmVudC1zZWNyZXQtMDEyMzQ1Njc4"), "no secret in plain text in domain.xml");
            assertFalse(domainXml.contains("cHJldmlvdXMtc2VjcmV0LTAxMjM0NTY3"), "no secret in plain text in domain.xml");
            assertEquals("grpc-listener", listener.get("protocol"));
            assertEquals("grpc-thread-pool", listener.get("thread-pool"));
            assertEquals("true", listener.get("enabled"));
            assertTrue(accepts(grpcPort2), "the gRPC listener accepts connections on " + grpcPort2);

            // 2b. Mutual TLS on every interface without a secret: accepted (the client
            //     certificate is the credential); passwords in aliases, never in domain.xml.
            Tls tls = Tls.create(workDir);
            refused = scriptRefusing(List.of("install.sh", glassfishHome.toString(), "--domain", DOMAIN,
                    "--port", String.valueOf(grpcPort2), "--address", "0.0.0.0", "--tls-keystore", tls.keystore.toString()));
            assertTrue(refused.contains("TLS needs --tls-keystore, --tls-keystore-password-file and --tls-truststore"), refused);
            refused = scriptRefusing(List.of("install.sh", glassfishHome.toString(), "--domain", DOMAIN, "--no-tls",
                    "--tls-keystore", tls.keystore.toString()));
            assertTrue(refused.contains("--no-tls contradicts"), refused);
            List<String> third = new ArrayList<>(List.of(
                    "install.sh", glassfishHome.toString(), "--domain", DOMAIN, "--port", String.valueOf(grpcPort2),
                    "--address", "0.0.0.0", "--tls-keystore", tls.keystore.toString(),
                    "--tls-keystore-password-file", tls.passwordFile.toString(), "--tls-truststore", tls.truststore.toString(),
                    "--tls-truststore-password-file", tls.passwordFile.toString(),
                    "--allowed-client-identities", Tls.EDGE_ID + ";CN=other,O=Example"));
            third.addAll(jarOption);
            out = script(third);
            step("install.sh with mutual TLS done");
            assertTrue(out.contains("h2 over TLS, client certificates required"), out);
            http = getAll(HTTP);
            assertEquals("true", getAll("configs.config.server-config.network-config.protocols.protocol.grpc-listener")
                    .get("security-enabled"));
            assertEquals(tls.keystore.toString(), http.get("property.grpc-connector-tls-keystore"));
            assertEquals(tls.truststore.toString(), http.get("property.grpc-connector-tls-truststore"));
            assertEquals("${ALIAS=grpc-connector-tls-keystore-password}", http.get("property.grpc-connector-tls-keystore-password"));
            assertEquals("${ALIAS=grpc-connector-tls-truststore-password}",
                    http.get("property.grpc-connector-tls-truststore-password"));
            assertEquals(Tls.EDGE_ID + ";CN=other,O=Example", http.get("property.grpc-connector-allowed-client-identities"));
            assertEquals(null, http.get("property.grpc-connector-secret"), "TLS alone, as asked");
            assertEquals(List.of("grpc-connector-tls-keystore-password", "grpc-connector-tls-truststore-password"), aliases());
            assertEquals("0.0.0.0", getAll(LISTENER).get("address"));
            domainXml = Files.readString(glassfishHome.resolve("glassfish/domains/" + DOMAIN + "/config/domain.xml"));
            assertFalse(domainXml.contains(Tls.PASSWORD), "no password in plain text in domain.xml");
            if (realJar.isPresent()) {
                assertEquals("h2", tls.handshake(grpcPort2), "TLS with the edge's client certificate, ALPN h2");
            }

            // 2c. Back to h2c: TLS settings and aliases removed; a secret is generated (loopback, none left).
            List<String> fourth = new ArrayList<>(List.of("install.sh", glassfishHome.toString(), "--domain", DOMAIN,
                    "--port", String.valueOf(grpcPort2), "--no-tls"));
            fourth.addAll(jarOption);
            out = script(fourth);
            step("install.sh --no-tls done");
            assertTrue(out.contains("TLS removed: the listener speaks h2c"), out);
            http = getAll(HTTP);
            assertEquals("false", getAll("configs.config.server-config.network-config.protocols.protocol.grpc-listener")
                    .get("security-enabled"));
            assertFalse(http.keySet().stream().anyMatch(k -> k.contains("tls") || k.contains("client-identities")),
                    http::toString);
            assertEquals("${ALIAS=grpc-connector-secret}", http.get("property.grpc-connector-secret"));
            assertEquals(List.of("grpc-connector-secret"), aliases());
            assertEquals("127.0.0.1", getAll(LISTENER).get("address"));

            // 3. Uninstall on the running domain, twice.
            out = script(List.of("uninstall.sh", glassfishHome.toString(), "--domain", DOMAIN));
            step("uninstall.sh done");
            assertTrue(out.contains("deleted network listener grpc-listener"), out);
            assertTrue(out.contains("deleted protocol grpc-listener"), out);
            assertTrue(out.contains("deleted thread pool grpc-thread-pool"), out);
            assertTrue(out.contains("deleted password alias grpc-connector-secret"), out);
            assertEquals(List.of(), aliases());
            assertFalse(Files.exists(generated), "the generated secret is removed");
            out = script(List.of("uninstall.sh", glassfishHome.toString(), "--domain", DOMAIN,
                    "--admin-port", String.valueOf(adminPort)));
            assertTrue(out.contains("network listener grpc-listener not present"), out);
            assertFalse(out.contains("restarting"), "nothing to remove, no restart: " + out);
            assertTrue(domainRunning());

            assertFalse(asadminOk("list-network-listeners").lines().anyMatch("grpc-listener"::equals));
            assertFalse(asadminOk("list-protocols").lines().anyMatch("grpc-listener"::equals));
            assertFalse(asadminOk("list-threadpools", "server").lines().anyMatch("grpc-thread-pool"::equals));
            assertFalse(asadmin("get", HTTP + ".*").ok(), "protocol grpc-listener is gone");
            assertFalse(Files.exists(moduleJar), "module jar removed");
            assertFalse(accepts(grpcPort2), "nothing listens on " + grpcPort2 + " any more");
            step("second uninstall.sh done");
        } finally {
            asadmin("stop-domain", DOMAIN);
            asadmin("delete-domain", DOMAIN);
            Files.deleteIfExists(moduleJar);
            step("domain stopped and deleted");
        }
    }

    /**
     * Keystores made with keytool for the TLS run: the listener's key, the edge's key
     * (URI SAN {@link #EDGE_ID}), each trusting the other's self-signed certificate.
     */
    private record Tls(Path keystore, Path truststore, Path passwordFile, Path edgeKeystore, Path edgeTruststore) {
        static final String PASSWORD = "tls-store-password-4711";
        static final String EDGE_ID = "spiffe://example.org/edge";

        static Tls create(Path dir) throws Exception {
            Path pw = Files.writeString(dir.resolve("tls-password"), PASSWORD + "\n");
            Tls tls = new Tls(dir.resolve("listener.p12"), dir.resolve("listener-trust.p12"), pw, dir.resolve("edge.p12"),
                    dir.resolve("edge-trust.p12"));
            for (Path p : List.of(tls.keystore, tls.truststore, tls.edgeKeystore, tls.edgeTruststore)) {
                Files.deleteIfExists(p);
            }
            keytool("-genkeypair", "-alias", "listener", "-keyalg", "EC", "-dname", "CN=grpc-listener", "-ext",
                    "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", tls.keystore.toString(),
                    "-storepass", PASSWORD);
            keytool("-genkeypair", "-alias", "edge", "-keyalg", "EC", "-dname", "CN=edge", "-ext", "san=uri:" + EDGE_ID,
                    "-validity", "2", "-storetype", "PKCS12", "-keystore", tls.edgeKeystore.toString(), "-storepass", PASSWORD);
            trust(tls.keystore, "listener", tls.edgeTruststore, dir.resolve("listener.cer"));
            trust(tls.edgeKeystore, "edge", tls.truststore, dir.resolve("edge.cer"));
            return tls;
        }

        private static void trust(Path from, String alias, Path into, Path cer) throws Exception {
            keytool("-exportcert", "-alias", alias, "-keystore", from.toString(), "-storepass", PASSWORD, "-file",
                    cer.toString());
            keytool("-importcert", "-noprompt", "-alias", alias, "-file", cer.toString(), "-storetype", "PKCS12",
                    "-keystore", into.toString(), "-storepass", PASSWORD);
        }

        private static void keytool(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0, "keytool " + cmd + ": " + out);
        }

        /** A TLS handshake as the edge (client certificate, ALPN h2 offered): the protocol the listener selected. */
        String handshake(int port) throws Exception {
            javax.net.ssl.KeyManagerFactory keys = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            keys.init(java.security.KeyStore.getInstance(edgeKeystore.toFile(), PASSWORD.toCharArray()), PASSWORD.toCharArray());
            javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(java.security.KeyStore.getInstance(edgeTruststore.toFile(), PASSWORD.toCharArray()));
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(30_000);
                javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"h2"});
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                return socket.getApplicationProtocol();
            }
        }
    }

    // --- set-up -------------------------------------------------------------------

    /** The unpacked zip may have lost the executable bits of the launch scripts. */
    private void makeExecutable() throws IOException {
        for (Path dir : List.of(glassfishHome.resolve("bin"), glassfishHome.resolve("glassfish/bin"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> !p.toString().endsWith(".bat")).toList()) {
                    var perms = Files.getPosixFilePermissions(f);
                    perms.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE));
                    Files.setPosixFilePermissions(f, perms);
                }
            }
        }
        assertTrue(Files.isExecutable(asadmin), asadmin + " must exist (unpacked by maven-dependency-plugin)");
    }

    private void createDomainOnFreePorts() throws Exception {
        // A domain left behind by an interrupted run.
        if (Files.isDirectory(glassfishHome.resolve("glassfish/domains/" + DOMAIN))) {
            asadmin("stop-domain", DOMAIN);
            asadmin("delete-domain", DOMAIN);
        }
        Random random = new Random();
        for (int attempt = 0; attempt < 10; attempt++) {
            int base = 20_000 + 100 * random.nextInt(378); // 20000 .. 57700: create-domain also needs base + 7676
            if (!allFree(base) || !free(base + 90) || !free(base + 91)) {
                continue;
            }
            Result r = asadmin("create-domain", "--nopassword", "--portbase", String.valueOf(base), DOMAIN);
            if (r.ok()) {
                adminPort = base + 48;
                grpcPort = base + 90;
                grpcPort2 = base + 91;
                return;
            }
            asadmin("delete-domain", DOMAIN);
        }
        fail("could not create a domain on free ports");
    }

    private static boolean allFree(int base) {
        return Arrays.stream(PORTBASE_OFFSETS).allMatch(o -> free(base + o));
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<Path> findConnectorJar() throws IOException {
        if (!Files.isDirectory(connectorTarget)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(connectorTarget)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("grpc-connector-") && n.endsWith(".jar")
                        && !n.endsWith("-sources.jar") && !n.endsWith("-javadoc.jar") && !n.endsWith("-tests.jar");
            }).max((a, b) -> {
                try {
                    return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }
    }

    private Path tinyJar() {
        Path jar = workDir.resolve("tiny-connector.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("README.txt"));
            out.write("placeholder for the connector jar (install script test)\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        return jar;
    }

    // --- running things ------------------------------------------------------------

    private record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private boolean domainRunning() throws Exception {
        String out = asadminOk("list-domains");
        return out.lines().anyMatch(l -> l.startsWith(DOMAIN + " running"));
    }

    /** All attributes and properties below a dotted name, keyed by the rest of the name. */
    private Map<String, String> getAll(String dotted) throws Exception {
        String out = asadminOk("get", dotted + ".*");
        Map<String, String> values = new TreeMap<>();
        out.lines().filter(l -> l.startsWith(dotted + ".") && l.contains("=")).forEach(l -> {
            int eq = l.indexOf('=');
            values.put(l.substring(dotted.length() + 1, eq), l.substring(eq + 1));
        });
        return values;
    }

    private void step(String what) {
        System.out.printf("[%5.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, what);
    }

    private String asadminOk(String... args) throws Exception {
        Result r = asadmin(args);
        if (!r.ok()) {
            fail("asadmin " + String.join(" ", args) + " failed (" + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    /** The domain's password aliases, sorted. */
    private List<String> aliases() throws Exception {
        return asadminOk("list-password-aliases").lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("Command ") && !l.startsWith("Nothing to list")).sorted().toList();
    }

    private Result asadmin(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(asadmin.toString(), "--interactive=false"));
        if (adminPort != 0 && !List.of("create-domain", "delete-domain", "list-domains").contains(args[0])) {
            cmd.add("--port");
            cmd.add(String.valueOf(adminPort));
        }
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    private String script(List<String> scriptAndArgs) throws Exception {
        Result r = runScript(scriptAndArgs);
        if (!r.ok()) {
            fail(String.join(" ", scriptAndArgs) + " failed (" + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    /** Runs a script that must refuse; returns its output. */
    private String scriptRefusing(List<String> scriptAndArgs) throws Exception {
        Result r = runScript(scriptAndArgs);
        if (r.ok()) {
            fail(String.join(" ", scriptAndArgs) + " must fail, but succeeded:\n" + r.output());
        }
        return r.output();
    }

    private Result runScript(List<String> scriptAndArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(scriptsDir.resolve(scriptAndArgs.get(0)).toString());
        cmd.addAll(scriptAndArgs.subList(1, scriptAndArgs.size()));
        Result r = run(cmd);
        System.out.println(r.output());
        return r;
    }

    private Result run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", javaHome);
        env.put("AS_JAVA", javaHome);
        env.keySet().removeIf(k -> k.startsWith("AS_ADMIN_"));
        Path log = Files.createTempFile(workDir, "cmd", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        Files.delete(log);
        return new Result(p.exitValue(), output);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run the test through Maven)");
        }
        return value;
    }
}
