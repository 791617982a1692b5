package dev.grpcconnector.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the edge listens and where it forwards to. Each setting comes from a command-line
 * argument {@code --name=value}, else the system property {@code grpcconnector.edge.name},
 * else its default.
 *
 * @param bind the address the browser-facing listener binds to ({@code --bind}, default
 *     {@code 127.0.0.1}: a development tool is not meant to be reachable from elsewhere)
 * @param port the browser-facing port ({@code --port}, default 8080; 0 picks a free one)
 * @param backendHost the connector's gRPC listener host ({@code --backend=host:port})
 * @param backendPort the connector's gRPC listener port (default {@code 127.0.0.1:8081})
 * @param secretFile the file holding the connector listener's shared secret
 *     ({@code --secret-file}; none by default), sent as Envoy's credential injector does
 * @param tls mutual TLS to the connector's listener ({@code --tls-keystore},
 *     {@code --tls-truststore} and their {@code -password-file}s), as Envoy's cluster with an
 *     {@code UpstreamTlsContext} does; {@code null} for h2c
 */
record EdgeSettings(String bind, int port, String backendHost, int backendPort, Path secretFile, UpstreamTls tls) {

    private static final String PROPERTY_PREFIX = "grpcconnector.edge.";

    static EdgeSettings parse(String[] args, Map<?, ?> systemProperties) {
        for (String arg : args) {
            if (!arg.startsWith("--bind=") && !arg.startsWith("--port=") && !arg.startsWith("--backend=")
                    && !arg.startsWith("--secret-file=") && !UpstreamTls.isOption(arg)) {
                throw new IllegalArgumentException("unknown argument " + arg
                        + "; known: --bind=ADDRESS --port=N --backend=HOST:PORT --secret-file=PATH " + UpstreamTls.USAGE);
            }
        }
        String bind = value(args, systemProperties, "bind", "127.0.0.1");
        int port = port(value(args, systemProperties, "port", "8080"), "port");
        String backend = value(args, systemProperties, "backend", "127.0.0.1:8081");
        int colon = backend.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("backend must be host:port, got " + backend);
        }
        String secretFile = value(args, systemProperties, "secret-file", "");
        return new EdgeSettings(bind, port, backend.substring(0, colon), port(backend.substring(colon + 1), "backend port"),
                secretFile.isBlank() ? null : Path.of(secretFile),
                UpstreamTls.of(name -> value(args, systemProperties, name, "")));
    }

    /**
     * The secret the connector's listener expects in {@code x-grpc-connector-secret}, read
     * from {@link #secretFile} without its trailing line break; {@code null} when no file
     * is configured (then the connector must run with {@code grpc-connector-insecure}).
     */
    String secret() throws IOException {
        if (secretFile == null) {
            return null;
        }
        String secret = Files.readString(secretFile, StandardCharsets.ISO_8859_1).strip();
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the secret file " + secretFile + " is empty");
        }
        return secret;
    }

    private static String value(String[] args, Map<?, ?> systemProperties, String name, String fallback) {
        String prefix = "--" + name + "=";
        String value = null;
        for (String arg : args) {
            if (arg.startsWith(prefix)) {
                value = arg.substring(prefix.length());
            }
        }
        if (value == null) {
            Object property = systemProperties.get(PROPERTY_PREFIX + name);
            value = property == null ? fallback : property.toString();
        }
        return value;
    }

    private static int port(String text, String what) {
        int port;
        try {
            port = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number: " + text, e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " out of range: " + port);
        }
        return port;
    }
}
