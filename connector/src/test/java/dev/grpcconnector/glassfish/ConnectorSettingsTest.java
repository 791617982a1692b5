package dev.grpcconnector.glassfish;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.memory.MemoryBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ConnectorSettings#from}: the listener properties. */
class ConnectorSettingsTest {

    private static ConnectorSettings from(String... keysAndValues) {
        Map<String, String> properties = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConnectorSettings.from(properties::get);
    }

    @Test
    void defaults() {
        ConnectorSettings settings = from();
        assertFalse(settings.enabled());
        assertEquals(1, settings.trustedProxyHops());
        assertEquals(16 * 1024 * 1024, settings.maxMessageBytes());
        assertEquals(ConnectorSettings.DEFAULT_TRUSTED_PROXY_HOPS, settings.trustedProxyHops());
        assertEquals(ConnectorSettings.DEFAULT_MAX_MESSAGE_BYTES, settings.maxMessageBytes());
    }

    @Test
    void propertyNames() {
        assertEquals("grpc-connector", ConnectorSettings.ENABLED);
        assertEquals("grpc-connector-trusted-proxy-hops", ConnectorSettings.TRUSTED_PROXY_HOPS);
        assertEquals("grpc-connector-max-message-bytes", ConnectorSettings.MAX_MESSAGE_BYTES);
    }

    @Test
    void values() {
        ConnectorSettings settings = from(ConnectorSettings.ENABLED, "true", ConnectorSettings.TRUSTED_PROXY_HOPS, "2",
                ConnectorSettings.MAX_MESSAGE_BYTES, "1048576");
        assertEquals(new ConnectorSettings(true, 2, 1048576, 0, ConnectorSettings.DEFAULT_APPLICATION_THREADS, null, false,
                null, MemoryBudget.DEFAULT_BYTES, MemoryBudget.DEFAULT_MAX_UNARY_RESPONSE_BYTES,
                ConnectorSettings.DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS, 0), settings);
    }

    @Test
    void memoryBudgetAndUnaryResponseLimit() {
        assertEquals("grpc-connector-memory-budget-bytes", ConnectorSettings.MEMORY_BUDGET_BYTES);
        assertEquals("grpc-connector-max-unary-response-bytes", ConnectorSettings.MAX_UNARY_RESPONSE_BYTES);
        assertEquals(64L * 1024 * 1024, from().memoryBudgetBytes(), "default: 64 MiB, an eighth of the default heap");
        assertEquals(16 * 1024 * 1024, from().maxUnaryResponseBytes());
        assertEquals(8L * 1024 * 1024 * 1024, from(ConnectorSettings.MEMORY_BUDGET_BYTES, "8589934592").memoryBudgetBytes());
        assertEquals(0, from(ConnectorSettings.MEMORY_BUDGET_BYTES, "0").memoryBudgetBytes());
        assertEquals(1024, from(ConnectorSettings.MAX_UNARY_RESPONSE_BYTES, " 1024 ").maxUnaryResponseBytes());
        for (String bad : new String[] {"-1", "64MiB", "1.5"}) {
            for (String name : new String[] {ConnectorSettings.MEMORY_BUDGET_BYTES, ConnectorSettings.MAX_UNARY_RESPONSE_BYTES}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(name, bad));
                assertTrue(e.getMessage().contains(name) && e.getMessage().contains(bad), e.getMessage());
            }
        }
    }

    @Test
    void callLimits() {
        assertEquals("grpc-connector-stream-idle-timeout-seconds", ConnectorSettings.STREAM_IDLE_TIMEOUT_SECONDS);
        assertEquals("grpc-connector-max-calls-per-connection", ConnectorSettings.MAX_CALLS_PER_CONNECTION);
        // Above Envoy's stream_idle_timeout (300 s), so that Envoy, which sees the browser, acts first.
        assertTrue(from().streamIdleTimeoutSeconds() > 300);
        assertEquals(java.util.concurrent.TimeUnit.SECONDS.toNanos(600), from().callLimits(100).idleTimeoutNanos());
        // Unset: the listener's http2-max-concurrent-streams, what the edge may fill a connection with.
        assertEquals(2048, from().callLimits(2048).maxCallsPerConnection());
        assertEquals(5, from(ConnectorSettings.STREAM_IDLE_TIMEOUT_SECONDS, "5").streamIdleTimeoutSeconds());
        assertEquals(8, from(ConnectorSettings.MAX_CALLS_PER_CONNECTION, "8").callLimits(2048).maxCallsPerConnection());
        for (String name : new String[] {ConnectorSettings.STREAM_IDLE_TIMEOUT_SECONDS, ConnectorSettings.MAX_CALLS_PER_CONNECTION}) {
            for (String value : new String[] {"0", "-1", "ten"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> from(name, value));
                assertTrue(e.getMessage().contains(name), e.getMessage());
            }
        }
    }

    @Test
    void shutdownDrain() {
        assertEquals("grpc-connector-shutdown-drain-seconds", ConnectorSettings.SHUTDOWN_DRAIN_SECONDS);
        assertEquals(0, from().shutdownDrainSeconds());
        assertEquals(15, from(ConnectorSettings.SHUTDOWN_DRAIN_SECONDS, "15").shutdownDrainSeconds());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> from(ConnectorSettings.SHUTDOWN_DRAIN_SECONDS, "-1"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(ConnectorSettings.SHUTDOWN_DRAIN_SECONDS));
    }

    @Test
    void boundaryValues() {
        assertEquals(0, from(ConnectorSettings.TRUSTED_PROXY_HOPS, "0").trustedProxyHops());
        assertEquals(1, from(ConnectorSettings.MAX_MESSAGE_BYTES, "1").maxMessageBytes());
        assertEquals(Integer.MAX_VALUE, from(ConnectorSettings.MAX_MESSAGE_BYTES, "2147483647").maxMessageBytes());
    }

    @Test
    void surroundingSpacesAndBlankValues() {
        assertEquals(3, from(ConnectorSettings.TRUSTED_PROXY_HOPS, " 3 ").trustedProxyHops());
        assertEquals(1, from(ConnectorSettings.TRUSTED_PROXY_HOPS, "").trustedProxyHops());
        assertEquals(16 * 1024 * 1024, from(ConnectorSettings.MAX_MESSAGE_BYTES, "   ").maxMessageBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True"})
    void enabled(String value) {
        assertTrue(from(ConnectorSettings.ENABLED, value).enabled());
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "", "yes", "1", "on"})
    void notEnabled(String value) {
        assertFalse(from(ConnectorSettings.ENABLED, value).enabled());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "abc", "1.5", "2147483648", "0x10", "1e3", "one"})
    void invalidTrustedProxyHops(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(ConnectorSettings.TRUSTED_PROXY_HOPS, value));
        assertTrue(e.getMessage().contains(ConnectorSettings.TRUSTED_PROXY_HOPS), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "abc", "16MB", "99999999999"})
    void invalidMaxMessageBytes(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(ConnectorSettings.MAX_MESSAGE_BYTES, value));
        assertTrue(e.getMessage().contains(ConnectorSettings.MAX_MESSAGE_BYTES), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void oneInvalidValueFailsTheWholeConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> from(ConnectorSettings.ENABLED, "true",
                ConnectorSettings.TRUSTED_PROXY_HOPS, "1", ConnectorSettings.MAX_MESSAGE_BYTES, "0"));
    }

    // ------------------------------------------------------------------ the secret

    private static final String SECRET_VALUE = "c2VjcmV0LWZyb20tYS1maWxlLTAxMjM0NQ";

    private static ConnectorSettings fromWrittenAndResolved(Map<String, String> written, Map<String, String> resolved) {
        return ConnectorSettings.from(name -> resolved.getOrDefault(name, written.get(name)), written::get);
    }

    @Test
    void aSecretFromAPasswordAliasIsTheResolvedValue() {
        ConnectorSettings settings = fromWrittenAndResolved(
                Map.of(ConnectorSettings.SECRET, "${ALIAS=grpc-connector-secret}"),
                Map.of(ConnectorSettings.SECRET, SECRET_VALUE));
        assertTrue(settings.secret().accepts(SECRET_VALUE));
        assertEquals(1, settings.secret().acceptedCount());
    }

    @Test
    void aPlainTextSecretInDomainXmlIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(ConnectorSettings.SECRET, SECRET_VALUE));
        assertTrue(e.getMessage().contains("${ALIAS=name}"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET_VALUE), "the message must not repeat the secret");
    }

    @Test
    void anAliasThatDoesNotExistIsRefused() {
        // GlassFish leaves an unknown alias reference as it was written.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> from(ConnectorSettings.SECRET, "${ALIAS=nope}"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aSecretFileIsReadWithoutItsTrailingLineBreak(@TempDir Path dir) throws IOException {
        Path current = Files.writeString(dir.resolve("current"), SECRET_VALUE + "\n");
        Path previous = Files.writeString(dir.resolve("previous"), "cHJldmlvdXMtc2VjcmV0LWluLWEtZmlsZQ\r\n");
        ConnectorSettings settings = from(ConnectorSettings.SECRET + "-file", current.toString(),
                ConnectorSettings.PREVIOUS_SECRET + "-file", previous.toString());
        assertTrue(settings.secret().accepts(SECRET_VALUE));
        assertTrue(settings.secret().accepts("cHJldmlvdXMtc2VjcmV0LWluLWEtZmlsZQ"));
        assertEquals(2, settings.secret().acceptedCount());
    }

    @Test
    void secretMistakesAreRefused(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("s"), SECRET_VALUE);
        assertThrows(IllegalArgumentException.class, () -> from(ConnectorSettings.SECRET + "-file",
                dir.resolve("missing").toString()));
        assertThrows(IllegalArgumentException.class, () -> fromWrittenAndResolved(
                Map.of(ConnectorSettings.SECRET, "${ALIAS=a}", ConnectorSettings.SECRET + "-file", file.toString()),
                Map.of(ConnectorSettings.SECRET, SECRET_VALUE)), "both ways at once");
        assertThrows(IllegalArgumentException.class, () -> from(ConnectorSettings.PREVIOUS_SECRET + "-file",
                file.toString()), "a previous secret without a current one");
        Path weak = Files.writeString(dir.resolve("weak"), "1234");
        assertThrows(IllegalArgumentException.class, () -> from(ConnectorSettings.SECRET + "-file", weak.toString()));
        assertNull(from().secret());
    }

    @Test
    void theInsecureFlag() {
        assertFalse(from().insecure());
        assertTrue(from(ConnectorSettings.INSECURE, "true").insecure());
        assertFalse(from(ConnectorSettings.INSECURE, "false").insecure());
        assertThrows(IllegalArgumentException.class, () -> from(ConnectorSettings.INSECURE, "yes"));
    }
}
