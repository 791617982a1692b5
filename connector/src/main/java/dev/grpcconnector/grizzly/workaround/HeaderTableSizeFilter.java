package dev.grpcconnector.grizzly.workaround;

import java.io.IOException;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Works around Grizzly 5.0.0's HPACK decoder table corruption by telling every client
 * not to use the dynamic table: it appends {@code SETTINGS_HEADER_TABLE_SIZE = 0} to the
 * server's connection preface.
 *
 * <p>The defect: {@code org.glassfish.grizzly.http2.hpack.HeaderTable$Table.add} records a
 * value in its per-name map only when the name is new, so when the second value of a name
 * is evicted, {@code remove} dereferences a missing map. The NPE becomes a GOAWAY
 * {@code COMPRESSION_ERROR} that kills every stream on the connection. Header values that
 * change per call (paths, cookies, request ids) trigger it within a few thousand calls;
 * the stock HTTP listener has it too. With a table size of 0 a client's encoder never
 * adds entries (RFC 7541 §4.2, §6.3), so nothing is ever evicted.
 *
 * <p>Grizzly writes its server preface with {@code Connection.write}, which runs the whole
 * chain from its end, so this filter, placed above {@code Http2ServerFilter}, sees it as a
 * raw {@link Buffer}. No other raw buffer crosses this point: stream data travels as
 * {@code HttpContent}, and the session's own frames are written below it.
 *
 * <p>A client may send requests before it receives the preface; those few header blocks
 * can still use the table, which the size update to 0 then empties. The window is one
 * round trip at connection start. Upstream report: docs/upstream/grizzly-hpack-table.md.
 */
public final class HeaderTableSizeFilter extends BaseFilter {
    private static final int FRAME_HEADER = 9;
    private static final int SETTINGS = 0x4;
    private static final int SETTING_SIZE = 6;
    private static final int HEADER_TABLE_SIZE = 0x1;

    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof Buffer buffer && isServerSettings(buffer)) {
            ctx.setMessage(withHeaderTableSizeZero(ctx, buffer));
        }
        return ctx.getInvokeAction();
    }

    /** A SETTINGS frame (not an ACK) on stream 0 that fills the buffer exactly. */
    public static boolean isServerSettings(Buffer buffer) {
        int start = buffer.position();
        if (buffer.remaining() < FRAME_HEADER) {
            return false;
        }
        int length = ((buffer.get(start) & 0xff) << 16) | ((buffer.get(start + 1) & 0xff) << 8) | (buffer.get(start + 2) & 0xff);
        int streamId = buffer.getInt(start + 5) & 0x7fffffff;
        return buffer.get(start + 3) == SETTINGS && buffer.get(start + 4) == 0 && streamId == 0
                && length % SETTING_SIZE == 0 && buffer.remaining() == FRAME_HEADER + length;
    }

    private static Buffer withHeaderTableSizeZero(FilterChainContext ctx, Buffer settings) {
        int length = settings.remaining() - FRAME_HEADER + SETTING_SIZE;
        byte[] frame = new byte[FRAME_HEADER + length];
        settings.get(frame, 0, settings.remaining());
        settings.tryDispose();
        frame[0] = (byte) (length >>> 16);
        frame[1] = (byte) (length >>> 8);
        frame[2] = (byte) length;
        int at = frame.length - SETTING_SIZE;
        frame[at + 1] = HEADER_TABLE_SIZE;
        return Buffers.wrap(ctx.getMemoryManager(), frame);
    }
}
