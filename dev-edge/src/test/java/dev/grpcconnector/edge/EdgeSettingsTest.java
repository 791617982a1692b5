package dev.grpcconnector.edge;

import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EdgeSettingsTest {

    @Test
    void defaultsAreTheProjectsPorts() {
        assertEquals(new EdgeSettings("127.0.0.1", 8080, "127.0.0.1", 8081), EdgeSettings.parse(new String[0], Map.of()));
    }

    @Test
    void argumentsWinOverSystemProperties() {
        EdgeSettings s = EdgeSettings.parse(new String[] {"--port=9000"},
                Map.of("grpcconnector.edge.port", "7000", "grpcconnector.edge.backend", "gf.local:9081"));

        assertEquals(new EdgeSettings("127.0.0.1", 9000, "gf.local", 9081), s);
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> EdgeSettings.parse(new String[] {"--prot=1"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> EdgeSettings.parse(new String[] {"--port=x"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> EdgeSettings.parse(new String[] {"--port=70000"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> EdgeSettings.parse(new String[] {"--backend=8081"}, Map.of()));
    }
}
