package dev.grpcconnector.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@code docker-compose.yml}, {@code docker/glassfish/Dockerfile} and
 * {@code .dockerignore} against each other and against {@code envoy/envoy.yaml},
 * {@code install.sh} and the build's outputs. No Docker engine runs here (nor in CI), so
 * this is what keeps the demo's names, ports and paths from drifting apart; whether the
 * images behave as their documentation says is checked by reading it (docs/envoy.md).
 */
class DockerComposeTest {
    private static final Path DOCKERFILE = Repository.ROOT.resolve("docker/glassfish/Dockerfile");
    private static final Path HEALTHCHECK = Repository.ROOT.resolve("docker/glassfish/healthcheck.sh");
    /** Where the official image reads its configuration (envoyproxy.io, "Using the Envoy Docker Image"). */
    private static final String ENVOY_IMAGE_CONFIG = "/etc/envoy/envoy.yaml";

    private static JsonNode compose;
    private static JsonNode services;
    private static Bootstrap envoy;
    private static List<String> dockerfile;

    @BeforeAll
    static void read() throws IOException {
        compose = new YAMLMapper().readTree(Repository.read(Repository.COMPOSE_YAML));
        services = compose.required("services");
        envoy = EnvoyBootstrap.parse(Repository.read(Repository.ENVOY_YAML));
        // One instruction per entry: continuation lines joined, comments dropped.
        dockerfile = List.of(Repository.read(DOCKERFILE).replaceAll("(?m)^\\s*#.*\\n", "")
                .replaceAll("\\\\\\n", " ").split("\\n"));
    }

    @Test
    void envoyClusterAddressIsTheGlassFishServiceOnTheConnectorsPort() {
        SocketAddress address = envoy.getStaticResources().getClusters(0).getLoadAssignment().getEndpoints(0)
                .getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
        JsonNode glassfish = services.get(address.getAddress());
        assertTrue(glassfish != null, "no compose service '" + address.getAddress() + "'");
        assertEquals("docker/glassfish/Dockerfile", glassfish.at("/build/dockerfile").asText());
        assertEquals(".", glassfish.at("/build/context").asText());
        assertEquals(List.of(String.valueOf(address.getPortValue())), texts(glassfish.get("expose")));
        // The image keeps install.sh's default port: no --port in the Dockerfile.
        assertEquals(Repository.installDefault("LISTEN_PORT"), address.getPortValue());
        assertFalse(instructions("RUN").stream().anyMatch(run -> run.contains("install.sh") && run.contains("--port")));
        assertTrue(instructions("EXPOSE").contains("EXPOSE " + address.getPortValue()));
    }

    /** Issue 14, item 4: two GlassFish instances behind the one Envoy, no fixed name or port that would keep a second from starting. */
    @Test
    void glassFishRunsAsTwoReplicas() {
        JsonNode glassfish = services.required("glassfish");
        assertEquals(2, glassfish.at("/deploy/replicas").asInt());
        assertTrue(glassfish.get("container_name") == null, "a container_name allows one replica only");
        assertTrue(glassfish.get("ports") == null, "a published port allows one replica only");
    }

    @Test
    void envoyIsPinnedPublishesItsListenerAndWaitsForAHealthyGlassFish() {
        JsonNode envoyService = services.required("envoy");
        assertEquals("envoyproxy/envoy:v1.39.6", envoyService.get("image").asText());
        int listenerPort = envoy.getStaticResources().getListeners(0).getAddress().getSocketAddress().getPortValue();
        assertEquals(List.of("8080:" + listenerPort), texts(envoyService.get("ports")));
        String cluster = envoy.getStaticResources().getClusters(0).getLoadAssignment().getEndpoints(0)
                .getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress();
        assertEquals("service_healthy", envoyService.at("/depends_on/" + cluster + "/condition").asText());
    }

    @Test
    void envoyMountsItsConfigAndTheBuiltDescriptorSetWhereEnvoyYamlLoadsThem() throws IOException {
        Map<String, String> mounts = new java.util.HashMap<>();
        for (JsonNode volume : services.required("envoy").required("volumes")) {
            assertEquals("bind", volume.get("type").asText());
            assertTrue(volume.get("read_only").asBoolean());
            assertFalse(volume.at("/bind/create_host_path").asBoolean(true), volume.toString());
            mounts.put(volume.get("target").asText(), volume.get("source").asText());
        }
        String descriptorTarget = EnvoyBootstrap.only(envoy, GrpcJsonTranscoder.class).getProtoDescriptor();
        assertEquals(Map.of(ENVOY_IMAGE_CONFIG, "./envoy/envoy.yaml",
                descriptorTarget, "./" + Repository.ROOT.relativize(Repository.DESCRIPTOR_SET)), mounts);
        for (String source : mounts.values()) {
            // The descriptor set exists: proto/ was built before this module.
            assertTrue(Files.isRegularFile(Repository.ROOT.resolve(source)), source);
        }
    }

    /**
     * One secret for both containers: Envoy reads it where envoy.yaml's static secret
     * says, the connector where install.sh's --secret-path points, and the build writes
     * the file compose mounts.
     */
    @Test
    void bothContainersGetTheSharedSecretWhereTheirConfigurationReadsIt() {
        JsonNode secrets = compose.required("secrets");
        assertEquals(1, secrets.size(), secrets.toString());
        String name = secrets.fieldNames().next();
        assertEquals("./docker/target/grpc-connector-secret", secrets.get(name).get("file").asText());
        assertTrue(Repository.read(Repository.ROOT.resolve("docker/pom.xml"))
                .contains("${project.build.directory}/grpc-connector-secret"), "docker/pom.xml writes the file");
        for (String service : List.of("glassfish", "envoy")) {
            assertEquals(List.of(name), texts(services.required(service).get("secrets")), service);
        }
        String mounted = "/run/secrets/" + name;
        assertTrue(envoy.getStaticResources().getSecretsList().stream()
                .anyMatch(s -> s.getGenericSecret().getSecret().getFilename().equals(mounted)), "envoy.yaml reads " + mounted);
        assertTrue(instructions("RUN").stream().anyMatch(run -> run.contains("install.sh")
                && run.contains("--secret-path " + mounted) && run.contains("--address 0.0.0.0")),
                "the image's listener reads " + mounted + " and is reachable from Envoy's container");
    }

    @Test
    void glassFishImageIsTemurinWithAHealthCheckOnTheConnector() {
        assertTrue(instructions("FROM").stream().allMatch(from -> from.matches("FROM eclipse-temurin:(21|25)-jdk")),
                instructions("FROM").toString());
        List<String> healthchecks = instructions("HEALTHCHECK");
        assertEquals(1, healthchecks.size());
        assertTrue(healthchecks.get(0).endsWith("CMD [\"/opt/grpc-connector/healthcheck.sh\"]"), healthchecks.get(0));
        // The script checks the port install.sh sets up, for the service Envoy checks.
        String script = Repository.read(HEALTHCHECK);
        assertTrue(script.contains("port=${1:-" + Repository.installDefault("LISTEN_PORT") + "}"), script);
        assertTrue(script.contains("service=" + envoy.getStaticResources().getClusters(0).getHealthChecks(0)
                .getGrpcHealthCheck().getServiceName() + "\n"), script);
        assertTrue(Files.isExecutable(HEALTHCHECK));
    }

    @Test
    void everyFileTheImageIsBuiltFromExistsOrIsBuiltAndPassesDockerignore() throws IOException {
        String appArchive = argDefault("APP_ARCHIVE");
        // Compose passes the same default.
        assertEquals("${APP_ARCHIVE:-" + appArchive + "}", services.at("/glassfish/build/args/APP_ARCHIVE").asText());
        List<String> sources = new ArrayList<>();
        for (String copy : instructions("COPY")) {
            List<String> words = new ArrayList<>(List.of(copy.split("\\s+")));
            words.removeIf(w -> w.equals("COPY") || w.startsWith("--"));
            sources.addAll(words.subList(0, words.size() - 1));
        }
        for (String run : instructions("RUN")) {
            Matcher bind = Pattern.compile("--mount=type=bind,source=([^,\\s]+)").matcher(run);
            while (bind.find()) {
                sources.add(bind.group(1));
            }
        }
        String pom = Repository.read(Repository.ROOT.resolve("docker/pom.xml"));
        for (String source : sources) {
            String path = source.equals("${APP_ARCHIVE}") ? appArchive : source;
            if (path.startsWith("docker/target/image/")) {
                // Copied by this module's package phase, which runs after the tests.
                assertTrue(pom.contains("<destFileName>" + Path.of(path).getFileName() + "</destFileName>"), path);
            } else if (!path.equals(appArchive)) {
                assertTrue(Files.isRegularFile(Repository.ROOT.resolve(path)), "missing: " + path);
            }
            assertTrue(passesDockerignore(path), ".dockerignore excludes " + path);
        }
        assertTrue(sources.contains("${APP_ARCHIVE}"));
        assertTrue(passesDockerignore("test-webapp/target/grpc-connector-test-webapp.war"));
        assertFalse(passesDockerignore("integration-tests/target/glassfish-dist/glassfish8/glassfish/modules/x.jar"));
        // The expectation on the sample-ear module is written down for its users.
        assertTrue(Repository.read(Repository.ROOT.resolve("docs/envoy.md")).contains(appArchive));
    }

    /** Docker's rule: the last matching pattern decides; "!" re-includes. */
    private static boolean passesDockerignore(String path) {
        boolean included = true;
        for (String line : Repository.read(Repository.ROOT.resolve(".dockerignore")).split("\\n")) {
            String pattern = line.strip();
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            boolean negated = pattern.startsWith("!");
            String glob = negated ? pattern.substring(1) : pattern;
            if (glob.equals("*") || FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(path))) {
                included = negated;
            }
        }
        return included;
    }

    private static String argDefault(String name) {
        return instructions("ARG").stream().filter(arg -> arg.startsWith("ARG " + name + "="))
                .map(arg -> arg.substring(("ARG " + name + "=").length())).findFirst().orElseThrow();
    }

    private static List<String> instructions(String keyword) {
        return dockerfile.stream().map(String::strip).map(line -> line.replaceAll("\\s+", " "))
                .filter(line -> line.startsWith(keyword + " ")).toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
