package dev.grpcconnector.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files of this source tree the edge set-up refers to, and the defaults of
 * {@code glassfish-config/install.sh}, read from the script itself so that no test keeps
 * a copy of them.
 */
public final class Repository {
    /** The repository root, passed by the build as {@code repository.root}. */
    public static final Path ROOT = Path.of(System.getProperty("repository.root", "..")).toAbsolutePath().normalize();
    public static final Path ENVOY_YAML = ROOT.resolve("envoy/envoy.yaml");
    /** The cluster transport socket for mutual TLS with the connector's listener (docs/envoy.md). */
    public static final Path UPSTREAM_MTLS_YAML = ROOT.resolve("envoy/upstream-mtls.yaml");
    public static final Path COMPOSE_YAML = ROOT.resolve("docker-compose.yml");
    public static final Path INSTALL_SCRIPT = ROOT.resolve("glassfish-config/install.sh");
    /** Where proto/pom.xml writes the descriptor set Envoy's transcoder loads. */
    public static final Path DESCRIPTOR_SET =
            ROOT.resolve("proto/target/generated-resources/protobuf/descriptor-sets/http_service.pb");

    private Repository() {
    }

    /** The whole file as UTF-8 text. */
    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The default of an {@code install.sh} option, from its assignment
     * {@code NAME=value} at the start of a line (e.g. {@code LISTEN_PORT=8081}).
     */
    public static int installDefault(String variable) {
        Matcher m = Pattern.compile("^" + Pattern.quote(variable) + "=(-?\\d+)$", Pattern.MULTILINE)
                .matcher(read(INSTALL_SCRIPT));
        if (!m.find()) {
            throw new AssertionError("no default " + variable + "=N in " + INSTALL_SCRIPT);
        }
        return Integer.parseInt(m.group(1));
    }
}
