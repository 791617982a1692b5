package dev.grpcconnector.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real GlassFish 8.0.0 per test JVM, shared by every test class.
 *
 * <p>Started lazily by {@link GlassFishExtension}: a fresh domain on free ports (never the
 * defaults 4848/8080/8081), the connector bundle installed with
 * {@code glassfish-config/install.sh} when that script exists (by hand with asadmin
 * otherwise), the test WAR deployed at {@code /app}. Stopped by the JUnit root store at
 * the end of the run, by a JVM shutdown hook if that does not happen, and right away when
 * the start fails.
 */
public final class GlassFishServer implements AutoCloseable {

    static final String DOMAIN = "grpc-it";
    static final String CONTEXT_ROOT = "/app";
    static final String LISTENER = "grpc-listener";

    /** Offsets create-domain --portbase adds to the base (admin, http, https, iiop, jms, jmx, osgi shell, debug). */
    private static final int[] PORTBASE_OFFSETS = {48, 80, 81, 37, 38, 39, 76, 86, 66, 9};
    private static final int GRPC_OFFSET = 90;
    /** What install.sh sets by default (--max-header-list-bytes, --max-concurrent-streams); set by hand the same. */
    static final int INSTALL_MAX_HEADER_LIST_BYTES = 81920;
    static final int INSTALL_MAX_CONCURRENT_STREAMS = 2048;

    private static GlassFishServer instance;

    private final String domain;
    private final Path glassfishHome;     // .../glassfish8
    private final Path asadmin;
    private final Path domainDir;
    private final Path connectorJar;
    private final Path webappWar;
    private final Path installScript;
    private final Path workDir;
    private final String javaHome;
    private final Path asadminLog;

    private int adminPort;
    private int httpPort;
    private int grpcPort;
    private volatile boolean started;
    private volatile boolean stopped;
    /** True for a server given with -Dit.external: not ours to stop or restart. */
    private boolean external;
    private String installMode = "?";
    /** JVM options {@link #startSecond} writes into server-config before the start; an -Xmx replaces the default one. */
    private List<String> secondJvmOptions = List.of();
    private String listenerAddress = "127.0.0.1";
    /** Whether the second domain's gRPC protocol has security-enabled=true (the connector's own TLS then replaces GlassFish's). */
    private boolean securityEnabled;

    private GlassFishServer() {
        this(DOMAIN);
    }

    private GlassFishServer(String domain) {
        this.domain = domain;
        glassfishHome = Path.of(required("it.glassfish.home")).toAbsolutePath();
        asadmin = glassfishHome.resolve("bin/asadmin");
        domainDir = glassfishHome.resolve("glassfish/domains").resolve(domain);
        connectorJar = Path.of(required("it.connector.jar")).toAbsolutePath();
        webappWar = Path.of(required("it.webapp.war")).toAbsolutePath();
        installScript = Path.of(System.getProperty("it.install.script", "../glassfish-config/install.sh")).toAbsolutePath().normalize();
        workDir = Path.of(System.getProperty("it.work.dir", "target/it-work")).toAbsolutePath();
        javaHome = System.getProperty("java.home");
        asadminLog = workDir.resolve("asadmin.log");
    }

    /**
     * The shared server, started on first use. With {@code -Dit.external=HTTP_PORT,GRPC_PORT}
     * the tests use an already running, already configured server instead (for quick
     * iterations while developing; nothing is started or stopped).
     */
    public static synchronized GlassFishServer get() {
        String external = System.getProperty("it.external", "");
        if (instance == null && !external.isBlank()) {
            GlassFishServer server = new GlassFishServer();
            String[] ports = external.split(",");
            server.httpPort = Integer.parseInt(ports[0].trim());
            server.grpcPort = Integer.parseInt(ports[1].trim());
            server.started = true;
            server.stopped = true; // not ours to stop
            server.external = true;
            log("using the running server on http " + server.httpPort + ", grpc " + server.grpcPort);
            instance = server;
        }
        if (instance == null) {
            GlassFishServer server = new GlassFishServer();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "glassfish-it-stop"));
            try {
                server.start();
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
            instance = server;
        } else if (!instance.started) {
            throw new IllegalStateException("GlassFish failed to start earlier in this JVM; see the first failure");
        }
        return instance;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The file holding {@link EdgeSecret#CURRENT}, for an edge ({@code dev-edge --secret-file}). */
    public Path edgeSecretFile() {
        return EdgeSecret.currentFile(workDir);
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int adminPort() {
        return adminPort;
    }

    public Path serverLog() {
        return domainDir.resolve("logs/server.log");
    }

    public URI httpUri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + httpPort + pathAndQuery);
    }

    // ------------------------------------------------------------------------------ start

    /** Checks the inputs, removes a domain left from an earlier run and picks free ports. */
    private void prepareDomain() throws IOException {
        Files.createDirectories(workDir);
        check(Files.isExecutable(asadmin), "no asadmin at " + asadmin + " (is the distribution unpacked?)");
        check(Files.isRegularFile(connectorJar), "connector bundle missing: " + connectorJar);
        check(Files.isRegularFile(webappWar), "test WAR missing: " + webappWar);
        removeOldDomain();
        choosePorts();
    }

    private void start() {
        Instant t0 = Instant.now();
        try {
            prepareDomain();
            log("GlassFish " + glassfishHome + " domain " + domain + ": admin " + adminPort + ", http "
                    + httpPort + ", grpc " + grpcPort + ", java " + javaHome);
            asadmin(Duration.ofMinutes(3), "create-domain", "--nopassword=true", "--portbase", String.valueOf(portBase),
                    "--checkports=true", domain);
            boolean script = Files.isRegularFile(installScript);
            if (!script) {
                // By hand: the bundle must be in modules/ before GlassFish starts.
                Files.copy(connectorJar, glassfishHome.resolve("glassfish/modules/grpc-connector.jar"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            asadmin(Duration.ofMinutes(6), "start-domain", domain);
            started = true; // from here on close() must stop it
            if (script) {
                installMode = "install.sh";
                runInstallScript();
            } else {
                installMode = "asadmin by hand";
                installByHand();
            }
            asadminRemote(Duration.ofMinutes(3), "deploy", "--contextroot", CONTEXT_ROOT.substring(1), "--name",
                    "grpc-connector-test-webapp", "--force=true", webappWar.toString());
            waitForHttp();
            waitForPort(grpcPort, Duration.ofSeconds(30));
            log("GlassFish ready in " + Duration.between(t0, Instant.now()).toMillis() + " ms (connector installed by "
                    + installMode + ")");
        } catch (IOException e) {
            failStart(new UncheckedIOException(e));
        } catch (RuntimeException | Error e) {
            failStart(e);
        }
    }

    private void failStart(Throwable e) {
        String tail = tail(serverLog(), 150);
        System.err.println("=== GlassFish start failed: " + e + "\n=== server.log tail (" + serverLog() + "):\n" + tail);
        started = false;
        close();
        if (e instanceof RuntimeException r) {
            throw new IllegalStateException("GlassFish start failed: " + e.getMessage() + "\n--- server.log tail ---\n" + tail, r);
        }
        throw (Error) e;
    }

    private int portBase;

    private void choosePorts() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            // 20000..57700: create-domain also derives a JMS provider port of base + 7676,
            // which must stay below 65536 (a base of 59800 failed: "No free port ... 67,476").
            int base = 20_000 + 100 * random.nextInt(378);
            boolean free = portFree(base + GRPC_OFFSET);
            for (int off : PORTBASE_OFFSETS) {
                free &= portFree(base + off);
            }
            if (free) {
                portBase = base;
                adminPort = base + 48;
                httpPort = base + 80;
                grpcPort = base + GRPC_OFFSET;
                return;
            }
        }
        throw new IllegalStateException("no free port base found");
    }

    static boolean portFree(int port) {
        if (port == 8080 || port == 8081 || port == 4848) {
            return false;
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
        } catch (IOException e) {
            return false;
        }
        try (Socket c = new Socket()) {
            c.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return false; // something answers on loopback
        } catch (IOException e) {
            return true;
        }
    }

    private void removeOldDomain() throws IOException {
        if (!Files.exists(domainDir)) {
            return;
        }
        // A domain left over by a killed run may still be running: stop it by its own pid file.
        Path pidFile = domainDir.resolve("config/pid");
        if (Files.isRegularFile(pidFile)) {
            try {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                ProcessHandle.of(pid).ifPresent(p -> {
                    log("stopping leftover GlassFish pid " + pid);
                    runQuietly(Duration.ofMinutes(1), asadmin.toString(), "stop-domain", "--kill=true", domain);
                });
            } catch (NumberFormatException ignored) {
                // no usable pid
            }
        }
        try (Stream<Path> walk = Files.walk(domainDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void runInstallScript() {
        List<String> cmd = List.of("bash", installScript.toString(), glassfishHome.toString(), "--domain", domain,
                "--admin-port", String.valueOf(adminPort), "--port", String.valueOf(grpcPort), "--jar",
                connectorJar.toString(), "--secret-file", EdgeSecret.currentFile(workDir).toString(),
                "--previous-secret-file", EdgeSecret.previousFile(workDir).toString());
        run(Duration.ofMinutes(5), cmd);
    }

    private void installByHand() {
        Duration t = Duration.ofMinutes(1);
        String http = "configs.config.server-config.network-config.protocols.protocol." + LISTENER + ".http.";
        asadminRemote(t, "create-protocol", LISTENER);
        asadminRemote(t, "create-http", "--default-virtual-server", "server", LISTENER);
        asadminRemote(t, "create-threadpool", "--maxthreadpoolsize", "64", "--minthreadpoolsize", "8",
                "grpc-thread-pool");
        asadminRemote(t, "set",
                http + "comet-support-enabled=true",
                http + "scheme-mapping=x-forwarded-proto",
                http + "http2-max-header-list-size-in-bytes=" + INSTALL_MAX_HEADER_LIST_BYTES,
                http + "http2-max-concurrent-streams=" + INSTALL_MAX_CONCURRENT_STREAMS,
                http + "property.grpc-connector=true",
                http + "property.grpc-connector-trusted-proxy-hops=1",
                http + "property.grpc-connector-max-message-bytes=16777216",
                http + "property.grpc-connector-secret-file=" + EdgeSecret.currentFile(workDir));
        asadminRemote(t, "create-network-listener", "--address", "127.0.0.1", "--listenerport", String.valueOf(grpcPort),
                "--protocol",
                LISTENER, "--threadpool", "grpc-thread-pool", "--target", "server", LISTENER);
    }

    private void waitForHttp() {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plusSeconds(60);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(httpUri(CONTEXT_ROOT + "/echo"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException("test app not reachable on http port " + httpPort + ": " + last);
    }

    static void waitForPort(int port, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                sleep(200);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port + " after " + timeout);
    }

    // ---------------------------------------------------------------------- second domain

    /**
     * A second domain of the same installation, for a test that must stop its server (the
     * shared one has to stay up). Nothing is started yet; see {@link #startSecond}. The
     * caller must call {@link #destroy()} in a finally; a JVM shutdown hook does it too
     * if the test JVM ends first.
     */
    static GlassFishServer secondDomain(String name) {
        if (DOMAIN.equals(name)) {
            throw new IllegalArgumentException("the shared domain is not a second domain");
        }
        GlassFishServer server = new GlassFishServer(name);
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "glassfish-it-destroy-" + name));
        return server;
    }

    /**
     * Creates and starts the second domain as cheaply as possible: one create-domain, one
     * start-domain (the connector bundle is put into the installation's shared
     * {@code modules/} before the start, so no restart is needed), and then one asadmin
     * multimode run that sets the given system properties on the running server, creates
     * the gRPC listener by hand (as {@link #installByHand} does) and deploys the test WAR.
     */
    /**
     * JVM options for the second domain's server-config, written into domain.xml by
     * {@link #startSecond} after create-domain and before start-domain (no restart). An
     * {@code -Xmx...} option replaces the domain's default {@code -Xmx}.
     */
    GlassFishServer jvmOptions(String... options) {
        secondJvmOptions = List.of(options);
        return this;
    }

    /** The address the second domain's gRPC listener binds to (default 127.0.0.1). */
    GlassFishServer listenerAddress(String address) {
        listenerAddress = address;
        return this;
    }

    /** The second domain's gRPC protocol gets {@code security-enabled=true}, as install.sh sets it for TLS. */
    GlassFishServer securityEnabled() {
        securityEnabled = true;
        return this;
    }

    private void writeJvmOptions() throws IOException {
        if (secondJvmOptions.isEmpty()) {
            return;
        }
        Path xml = domainDir.resolve("config/domain.xml");
        String s = Files.readString(xml, StandardCharsets.UTF_8);
        int config = s.indexOf("<config name=\"server-config\"");
        int end = s.indexOf("</java-config>", config);
        check(config >= 0 && end > config, "no server-config java-config in " + xml);
        String head = s.substring(0, config);
        String java = s.substring(config, end);
        boolean xmx = secondJvmOptions.stream().anyMatch(o -> o.startsWith("-Xmx"));
        if (xmx) {
            java = java.replaceAll("\\s*<jvm-options>-Xmx[^<]*</jvm-options>", "");
        }
        StringBuilder added = new StringBuilder();
        for (String o : secondJvmOptions) {
            added.append("        <jvm-options>").append(o.replace("&", "&amp;").replace("<", "&lt;")).append("</jvm-options>\n");
        }
        Files.writeString(xml, head + java + added + "      " + s.substring(end), StandardCharsets.UTF_8);
        log("second domain " + domain + ": JVM options " + secondJvmOptions);
    }

    void startSecond(java.util.Map<String, String> systemProperties, java.util.Map<String, String> connectorProperties) {
        Instant t0 = Instant.now();
        try {
            prepareDomain();
            log("second GlassFish domain " + domain + ": admin " + adminPort + ", http " + httpPort + ", grpc " + grpcPort);
            asadmin(Duration.ofMinutes(3), "create-domain", "--nopassword=true", "--portbase", String.valueOf(portBase),
                    "--checkports=true", domain);
            // The same file name install.sh uses; copied only when it is not this build's
            // bundle already (the shared server installs the same file, identical content).
            Path module = glassfishHome.resolve("glassfish/modules/grpc-connector.jar");
            if (!Files.isRegularFile(module) || Files.mismatch(module, connectorJar) != -1) {
                Files.copy(connectorJar, module, StandardCopyOption.REPLACE_EXISTING);
            }
            writeJvmOptions();
            asadmin(Duration.ofMinutes(6), "start-domain", domain);
            started = true;
            String http = "configs.config.server-config.network-config.protocols.protocol." + LISTENER + ".http.";
            List<String> commands = new ArrayList<>();
            if (!systemProperties.isEmpty()) {
                List<String> props = new ArrayList<>();
                systemProperties.forEach((k, v) -> props.add(k + "=" + v));
                commands.add("create-system-properties --target server " + String.join(":", props));
            }
            commands.add("create-protocol " + LISTENER);
            commands.add("create-http --default-virtual-server server " + LISTENER);
            commands.add("create-threadpool --maxthreadpoolsize 64 --minthreadpoolsize 8 grpc-thread-pool");
            // The shared secret unless the test configures the credential itself; an empty
            // value leaves a property out.
            java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
            properties.put("grpc-connector-secret-file", EdgeSecret.currentFile(workDir).toString());
            properties.putAll(connectorProperties);
            commands.add("set " + http + "comet-support-enabled=true " + http + "scheme-mapping=x-forwarded-proto "
                    + http + "http2-max-header-list-size-in-bytes=" + INSTALL_MAX_HEADER_LIST_BYTES + " "
                    + http + "http2-max-concurrent-streams=" + INSTALL_MAX_CONCURRENT_STREAMS + " "
                    + http + "property.grpc-connector=true " + http + "property.grpc-connector-trusted-proxy-hops=1 "
                    + http + "property.grpc-connector-max-message-bytes=16777216"
                    + properties.entrySet().stream()
                            .filter(p -> !p.getValue().isEmpty())
                            .map(p -> " " + http + "property." + p.getKey() + "=" + p.getValue())
                            .collect(java.util.stream.Collectors.joining()));
            if (securityEnabled) {
                commands.add("set configs.config.server-config.network-config.protocols.protocol." + LISTENER
                        + ".security-enabled=true");
            }
            commands.add("create-network-listener --address " + listenerAddress + " --listenerport " + grpcPort
                    + " --protocol " + LISTENER + " --threadpool grpc-thread-pool --target server " + LISTENER);
            commands.add("deploy --contextroot " + CONTEXT_ROOT.substring(1) + " --name grpc-connector-test-webapp "
                    + "--force=true " + webappWar);
            Path file = workDir.resolve(domain + "-setup.asadmin");
            Files.writeString(file, String.join("\n", commands) + "\n", StandardCharsets.UTF_8);
            asadminRemote(Duration.ofMinutes(5), "multimode", "--file", file.toString());
            waitForHttp();
            waitForPort(grpcPort, Duration.ofSeconds(30));
            log("second domain " + domain + " ready in " + Duration.between(t0, Instant.now()).toMillis() + " ms");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            System.err.println("=== second domain " + domain + " failed to start: " + e + "\n=== server.log tail:\n"
                    + tail(serverLog(), 100));
            throw e;
        }
    }

    /** The pid of the running domain's server JVM, from its pid file. */
    long serverPid() {
        try {
            return Long.parseLong(Files.readString(domainDir.resolve("config/pid")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code asadmin stop-domain} in the background; completes with its exit code. */
    java.util.concurrent.CompletableFuture<Integer> stopDomainAsync() {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            Result r = exec(Duration.ofMinutes(3), List.of(asadmin.toString(), "stop-domain", domain));
            log("stop-domain " + domain + ": rc " + r.rc + " " + r.output.strip());
            return r.rc;
        });
    }

    /** Stops the domain (killing it if it does not stop) and deletes it. Safe to call twice. */
    synchronized void destroy() {
        if (!Files.exists(domainDir)) {
            return;
        }
        Path pidFile = domainDir.resolve("config/pid");
        boolean running = false;
        try {
            running = Files.isRegularFile(pidFile)
                    && ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            running = true; // do not know: try to stop it
        }
        if (running) {
            int rc = runQuietly(Duration.ofMinutes(2), asadmin.toString(), "stop-domain", domain);
            if (rc != 0) {
                runQuietly(Duration.ofMinutes(1), asadmin.toString(), "stop-domain", "--kill=true", domain);
            }
        }
        stopped = true;
        runQuietly(Duration.ofMinutes(1), asadmin.toString(), "delete-domain", domain);
        if (Files.exists(domainDir)) {
            try (Stream<Path> walk = Files.walk(domainDir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                log("could not delete " + domainDir + ": " + e);
            }
        }
    }

    // ---------------------------------------------------------------------------- restart

    /**
     * Stops the shared domain and starts it again on the same ports, with everything
     * deployed and configured as before (for tests of what must survive a restart); returns
     * when the test application and the connector's listener answer again.
     */
    public synchronized void restart() {
        check(!external, "an external server (-Dit.external) is not restarted by the tests");
        check(started && !stopped, "the server is not running");
        Instant t0 = Instant.now();
        asadmin(Duration.ofMinutes(3), "stop-domain", domain);
        asadmin(Duration.ofMinutes(5), "start-domain", domain);
        waitForHttp();
        waitForPort(grpcPort, Duration.ofSeconds(30));
        log("GlassFish restarted in " + Duration.between(t0, Instant.now()).toMillis() + " ms");
    }

    // ------------------------------------------------------------------------------- stop

    @Override
    public synchronized void close() {
        if (stopped || !Files.exists(domainDir)) {
            return;
        }
        stopped = true;
        Instant t0 = Instant.now();
        int rc = runQuietly(Duration.ofMinutes(2), asadmin.toString(), "stop-domain", domain);
        if (rc != 0) {
            runQuietly(Duration.ofMinutes(1), asadmin.toString(), "stop-domain", "--kill=true", domain);
        }
        log("GlassFish stopped (rc " + rc + ") in " + Duration.between(t0, Instant.now()).toMillis() + " ms");
    }

    // ------------------------------------------------------------------------ processes

    private void asadmin(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(asadmin.toString());
        cmd.add("--interactive=false");
        cmd.addAll(List.of(args));
        run(timeout, cmd);
    }

    /** asadmin against the running DAS (admin port given explicitly). */
    public void asadminRemote(Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(asadmin.toString());
        cmd.add("--interactive=false");
        cmd.add("--host");
        cmd.add("127.0.0.1");
        cmd.add("--port");
        cmd.add(String.valueOf(adminPort));
        cmd.addAll(List.of(args));
        run(timeout, cmd);
    }

    private void run(Duration timeout, List<String> cmd) {
        Result r = exec(timeout, cmd);
        if (r.rc != 0) {
            throw new IllegalStateException("command failed (rc " + r.rc + "): " + String.join(" ", cmd) + "\n" + r.output);
        }
    }

    private int runQuietly(Duration timeout, String... cmd) {
        try {
            Result r = exec(timeout, List.of(cmd));
            if (r.rc != 0) {
                log("(rc " + r.rc + ") " + String.join(" ", cmd) + ": " + r.output.strip());
            }
            return r.rc;
        } catch (RuntimeException e) {
            log("failed: " + String.join(" ", cmd) + ": " + e);
            return -1;
        }
    }

    private record Result(int rc, String output) {
    }

    private Result exec(Duration timeout, List<String> cmd) {
        try {
            Files.createDirectories(workDir);
            Path out = Files.createTempFile(workDir, "cmd-", ".out");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .directory(workDir.toFile());
            pb.environment().put("JAVA_HOME", javaHome);
            pb.environment().put("AS_JAVA", javaHome);
            pb.environment().put("PATH", javaHome + "/bin:" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            Instant t0 = Instant.now();
            Process p = pb.start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            int rc = done ? p.exitValue() : -1;
            String line = "$ " + String.join(" ", cmd) + "   [rc " + rc + ", "
                    + Duration.between(t0, Instant.now()).toMillis() + " ms]\n" + output + "\n";
            Files.writeString(asadminLog, line, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return new Result(rc, done ? output : output + "\n(timed out after " + timeout + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // --------------------------------------------------------------------------- helpers

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** The server.log lines written since {@code fromLine} (for diagnosing a failing test). */
    public String serverLogSince(long fromLine) {
        try (Stream<String> s = Files.lines(serverLog(), StandardCharsets.ISO_8859_1)) {
            return String.join("\n", s.skip(fromLine).toList());
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read server.log: " + e + ")";
        }
    }

    /** WARNING and SEVERE records (with their stack traces) logged since {@code fromLine}, at most {@code maxLines} lines. */
    public String serverProblemsSince(long fromLine, int maxLines) {
        StringBuilder out = new StringBuilder();
        boolean inProblem = false;
        int lines = 0;
        for (String line : serverLogSince(fromLine).split("\n")) {
            if (line.startsWith("[20")) {
                inProblem = line.contains("[WARNING]") || line.contains("[SEVERE]");
            }
            if (inProblem && lines++ < maxLines) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    public long serverLogLineCount() {
        try (Stream<String> s = Files.lines(serverLog(), StandardCharsets.ISO_8859_1)) {
            return s.count();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run through maven failsafe)");
        }
        return v;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void log(String message) {
        System.out.println("[glassfish-it] " + message);
    }
}
