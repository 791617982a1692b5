package dev.grpcconnector.grizzly.workaround;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http2.frames.SettingsFrame;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

/** {@link ServerSettings#withSetting}: the advertised limit in Grizzly's own SETTINGS frames. */
class ServerSettingsTest {
    private static final MemoryManager MM = MemoryManager.DEFAULT_MEMORY_MANAGER;

    /** Parses a SETTINGS frame back with Grizzly's own parser and returns one setting. */
    private static int setting(byte[] frame, int id) {
        Buffer buffer = org.glassfish.grizzly.memory.Buffers.wrap(MM, frame);
        int length = ((frame[0] & 0xff) << 16) | ((frame[1] & 0xff) << 8) | (frame[2] & 0xff);
        assertEquals(frame.length - 9, length);
        buffer.position(9);
        SettingsFrame parsed = (SettingsFrame) SettingsFrame.fromBuffer(frame[4], 0, buffer);
        for (int i = 0; i < parsed.getNumberOfSettings(); i++) {
            if (parsed.getSettingByIndex(i).getId() == id) {
                return parsed.getSettingByIndex(i).getValue();
            }
        }
        return -1;
    }

    @Test
    void replacesGrizzlysAdvertisedValue() {
        Buffer grizzly = SettingsFrame.builder().setting(SettingsFrame.SETTINGS_MAX_CONCURRENT_STREAMS, 200)
                .setting(SettingsFrame.SETTINGS_MAX_HEADER_LIST_SIZE, 81920).build().toBuffer(MM);
        byte[] frame = ServerSettings.withSetting(grizzly, SettingsFrame.SETTINGS_MAX_CONCURRENT_STREAMS, 100);
        assertEquals(9 + 12, frame.length);
        assertEquals(100, setting(frame, SettingsFrame.SETTINGS_MAX_CONCURRENT_STREAMS));
        assertEquals(81920, setting(frame, SettingsFrame.SETTINGS_MAX_HEADER_LIST_SIZE));
    }

    @Test
    void addsItWhereGrizzlyLeftItOut() {
        Buffer grizzly = SettingsFrame.builder().setting(SettingsFrame.SETTINGS_MAX_HEADER_LIST_SIZE, 4096).build().toBuffer(MM);
        byte[] frame = ServerSettings.withSetting(grizzly, SettingsFrame.SETTINGS_MAX_CONCURRENT_STREAMS, 2048);
        assertEquals(9 + 12, frame.length);
        assertEquals(2048, setting(frame, SettingsFrame.SETTINGS_MAX_CONCURRENT_STREAMS));
        assertEquals(4096, setting(frame, SettingsFrame.SETTINGS_MAX_HEADER_LIST_SIZE));
    }
}
