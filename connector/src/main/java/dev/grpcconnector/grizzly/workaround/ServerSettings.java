package dev.grpcconnector.grizzly.workaround;

import java.util.Arrays;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Rewrites one setting of the server's SETTINGS frame (RFC 9113 §6.5) as Grizzly writes it:
 * for the workarounds that give Grizzly a limit of its own above the one the listener
 * advertises. Grizzly's preface reaches filters above {@code Http2ServerFilter} as a raw
 * buffer holding exactly that frame ({@link HeaderTableSizeFilter} explains why).
 */
final class ServerSettings {
    static final int MAX_CONCURRENT_STREAMS = 0x3;
    static final int MAX_HEADER_LIST_SIZE = 0x6;
    private static final int FRAME_HEADER = 9;
    private static final int SETTING_SIZE = 6;

    private ServerSettings() {
    }

    /** When {@code ctx}'s message is the server's SETTINGS frame, replaces it by one with {@code id} set to {@code value}. */
    static void set(FilterChainContext ctx, int id, long value) {
        if (ctx.getMessage() instanceof Buffer buffer && HeaderTableSizeFilter.isServerSettings(buffer)) {
            ctx.setMessage(Buffers.wrap(ctx.getMemoryManager(), withSetting(buffer, id, value)));
        }
    }

    /**
     * The SETTINGS frame in {@code settings} (consumed and disposed) with {@code id} set to
     * {@code value}: replaced where the frame has it, appended where it has not.
     */
    static byte[] withSetting(Buffer settings, int id, long value) {
        byte[] old = new byte[settings.remaining()];
        settings.get(old);
        settings.tryDispose();
        int at = -1;
        for (int i = FRAME_HEADER; i + SETTING_SIZE <= old.length; i += SETTING_SIZE) {
            if (((old[i] & 0xff) << 8 | (old[i + 1] & 0xff)) == id) {
                at = i;
            }
        }
        byte[] frame = old;
        if (at < 0) {
            frame = Arrays.copyOf(old, old.length + SETTING_SIZE);
            int length = frame.length - FRAME_HEADER;
            frame[0] = (byte) (length >>> 16);
            frame[1] = (byte) (length >>> 8);
            frame[2] = (byte) length;
            at = old.length;
            frame[at] = (byte) (id >>> 8);
            frame[at + 1] = (byte) id;
        }
        frame[at + 2] = (byte) (value >>> 24);
        frame[at + 3] = (byte) (value >>> 16);
        frame[at + 4] = (byte) (value >>> 8);
        frame[at + 5] = (byte) value;
        return frame;
    }
}
