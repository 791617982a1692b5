package dev.grpcconnector.grizzly.workaround;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http2.frames.PingFrame;
import org.glassfish.grizzly.http2.frames.SettingsFrame;
import org.glassfish.grizzly.http2.frames.WindowUpdateFrame;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

/** {@link HeaderTableSizeFilter#isServerSettings}: which raw buffers are the server's SETTINGS frame. */
class HeaderTableSizeFilterTest {
    private static final MemoryManager MM = MemoryManager.DEFAULT_MEMORY_MANAGER;

    private static byte[] frame(int length, int type, int flags, int streamId, int payloadBytes) {
        byte[] frame = new byte[9 + payloadBytes];
        frame[0] = (byte) (length >>> 16);
        frame[1] = (byte) (length >>> 8);
        frame[2] = (byte) length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (streamId >>> 24);
        frame[6] = (byte) (streamId >>> 16);
        frame[7] = (byte) (streamId >>> 8);
        frame[8] = (byte) streamId;
        return frame;
    }

    private static byte[] settings(int entries) {
        return frame(6 * entries, 4, 0, 0, 6 * entries);
    }

    private static boolean check(byte[] bytes) {
        Buffer buffer = Buffers.wrap(MM, bytes);
        int position = buffer.position();
        int limit = buffer.limit();
        boolean result = HeaderTableSizeFilter.isServerSettings(buffer);
        assertEquals(position, buffer.position(), "the check must not consume the buffer");
        assertEquals(limit, buffer.limit());
        assertEquals(result, HeaderTableSizeFilter.isServerSettings(Buffers.wrap(null, bytes)));
        return result;
    }

    @Test
    void grizzlysOwnSettingsFrame() {
        Buffer buffer = SettingsFrame.builder()
                .setting(SettingsFrame.SETTINGS_MAX_CONCURRENT_STREAMS, 100)
                .setting(SettingsFrame.SETTINGS_INITIAL_WINDOW_SIZE, 65535)
                .setting(SettingsFrame.SETTINGS_MAX_FRAME_SIZE, 16384)
                .build().toBuffer(MM);
        assertEquals(9 + 18, buffer.remaining());
        assertTrue(HeaderTableSizeFilter.isServerSettings(buffer));
    }

    @Test
    void grizzlysOwnFramesThatAreNotSettings() {
        assertFalse(HeaderTableSizeFilter.isServerSettings(SettingsFrame.builder().setAck().build().toBuffer(MM)));
        assertFalse(HeaderTableSizeFilter.isServerSettings(PingFrame.builder().opaqueData(42).build().toBuffer(MM)));
        assertFalse(HeaderTableSizeFilter.isServerSettings(
                WindowUpdateFrame.builder().windowSizeIncrement(1000).build().toBuffer(MM)));
    }

    @Test
    void settingsFramesOfAnySize() {
        for (int entries = 0; entries <= 6; entries++) {
            assertTrue(check(settings(entries)), entries + " entries");
        }
    }

    @Test
    void ack() {
        assertFalse(check(frame(0, 4, 1, 0, 0)));
        assertFalse(check(frame(6, 4, 1, 0, 6)));
    }

    @Test
    void otherFlags() {
        assertFalse(check(frame(6, 4, 2, 0, 6)));
        assertFalse(check(frame(6, 4, 0x80, 0, 6)));
    }

    @Test
    void otherFrameTypes() {
        for (int type = 0; type < 256; type++) {
            if (type != 4) {
                assertFalse(check(frame(6, type, 0, 0, 6)), "type " + type);
            }
        }
    }

    @Test
    void settingsOnAStream() {
        assertFalse(check(frame(6, 4, 0, 1, 6)));
        assertFalse(check(frame(6, 4, 0, 0x7fffffff, 6)));
    }

    @Test
    void reservedBitOfTheStreamIdIsIgnored() {
        assertTrue(check(frame(6, 4, 0, 0x80000000, 6)));
    }

    @Test
    void lengthNotAMultipleOfSix() {
        for (int length = 1; length < 18; length++) {
            if (length % 6 != 0) {
                assertFalse(check(frame(length, 4, 0, 0, length)), "length " + length);
            }
        }
    }

    @Test
    void truncatedBuffers() {
        byte[] whole = settings(3);
        for (int size = 0; size < whole.length; size++) {
            assertFalse(check(Arrays.copyOf(whole, size)), size + " bytes");
        }
    }

    @Test
    void moreThanOneFrameInTheBuffer() {
        byte[] settings = settings(2);
        byte[] twoFrames = Arrays.copyOf(settings, settings.length + 13);
        System.arraycopy(frame(4, 8, 0, 0, 4), 0, twoFrames, settings.length, 13);
        assertFalse(check(twoFrames));
    }

    @Test
    void hugeAnnouncedLength() {
        assertFalse(check(frame(0xfffffa, 4, 0, 0, 12)));
    }

    @Test
    void frameStartsAtTheBufferPosition() {
        byte[] settings = settings(2);
        byte[] padded = new byte[settings.length + 7];
        Arrays.fill(padded, (byte) 0x04);
        System.arraycopy(settings, 0, padded, 7, settings.length);
        Buffer buffer = Buffers.wrap(MM, padded);
        buffer.position(7);
        assertTrue(HeaderTableSizeFilter.isServerSettings(buffer));
        assertEquals(7, buffer.position());
        buffer.position(6);
        assertFalse(HeaderTableSizeFilter.isServerSettings(buffer));
    }
}
