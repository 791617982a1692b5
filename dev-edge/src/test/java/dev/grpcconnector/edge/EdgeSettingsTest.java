package dev.grpcconnector.edge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EdgeSettingsTest {

    @Test
    void defaultsAreTheProjectsPorts() {
        assertEquals(new EdgeSettings("127.0.0.1", 8080, "127.0.0.1", 8081, null, null), EdgeSettings.parse(new String[0], Map.of()));
    }

    @Test
    void argumentsWinOverSystemProperties() {
        EdgeSettings s = EdgeSettings.parse(new String[] {"--port=9000"},
                Map.of("grpcconnector.edge.port", "7000", "grpcconnector.edge.backend", "gf.local:9081"));

        assertEquals(new EdgeSettings("127.0.0.1", 9000, "gf.local", 9081, null, null), s);
    }

    @Test
    void theSecretFileIsReadWithoutItsLineBreak(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("s"), "c2VjcmV0LWZvci10aGUtZWRnZQ\n");
        EdgeSettings s = EdgeSettings.parse(new String[] {"--secret-file=" + file}, Map.of());
        assertEquals(file, s.secretFile());
        assertEquals("c2VjcmV0LWZvci10aGUtZWRnZQ", s.secret());
        assertNull(EdgeSettings.parse(new String[0], Map.of()).secret());
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThrows(IllegalArgumentException.class,
                () -> EdgeSettings.parse(new String[] {"--secret-file=" + empty}, Map.of()).secret());
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> EdgeSettings.parse(new String[] {"--prot=1"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> EdgeSettings.parse(new String[] {"--port=x"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> EdgeSettings.parse(new String[] {"--port=70000"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> EdgeSettings.parse(new String[] {"--backend=8081"}, Map.of()));
    }

    @Test
    void tlsOptionsGoTogether() {
        EdgeSettings s = EdgeSettings.parse(new String[] {"--tls-keystore=/k.p12", "--tls-keystore-password-file=/k.pw",
            "--tls-truststore=/t.p12"}, Map.of());
        assertEquals(new UpstreamTls(Path.of("/k.p12"), Path.of("/k.pw"), Path.of("/t.p12"), null), s.tls());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> EdgeSettings.parse(new String[] {"--tls-truststore=/t.p12"}, Map.of()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("TLS to the connector needs"), e.getMessage());
    }
}
