package dev.grpcconnector.grizzly.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http2.frames.DataFrame;
import org.glassfish.grizzly.http2.frames.RstStreamFrame;
import org.glassfish.grizzly.http2.frames.ErrorCode;
import org.glassfish.grizzly.http2.frames.SettingsFrame;
import org.glassfish.grizzly.http2.frames.WindowUpdateFrame;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

/** {@link Http2FrameScanner}: frame headers of a byte stream that arrives in pieces of any size. */
class Http2FrameScannerTest {
    private static final MemoryManager MM = MemoryManager.DEFAULT_MEMORY_MANAGER;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A client's opening: preface, SETTINGS, DATA (3 bytes, stream 1), RST_STREAM(3), DATA (20000 bytes, stream 5), WINDOW_UPDATE. */
    private static byte[] clientBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PREFACE);
        write(out, SettingsFrame.builder().setting(SettingsFrame.SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20).build().toBuffer(MM));
        write(out, DataFrame.builder().streamId(1).data(Buffers.wrap(MM, new byte[] {1, 2, 3})).build().toBuffer(MM));
        write(out, RstStreamFrame.builder().streamId(3).errorCode(ErrorCode.CANCEL).build().toBuffer(MM));
        write(out, DataFrame.builder().streamId(5).data(Buffers.wrap(MM, new byte[20000])).endStream(true).build().toBuffer(MM));
        write(out, WindowUpdateFrame.builder().windowSizeIncrement(12345).build().toBuffer(MM));
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Buffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        out.writeBytes(bytes);
    }

    private static final List<String> EXPECTED = List.of(
            "type 4 stream 0 length 6", "type 0 stream 1 length 3", "type 3 stream 3 length 4",
            "type 0 stream 5 length 20000", "type 8 stream 0 length 4");

    private static List<String> scanInPiecesOf(byte[] bytes, int piece) {
        List<String> frames = new ArrayList<>();
        Http2FrameScanner<Http2FrameScanner.FrameListener> scanner = new Http2FrameScanner<>(
                (type, flags, streamId, length) -> frames.add("type " + type + " stream " + streamId + " length " + length));
        for (int at = 0; at < bytes.length; at += piece) {
            Buffer buffer = Buffers.wrap(MM, bytes, at, Math.min(piece, bytes.length - at));
            int position = buffer.position();
            scanner.scan(buffer);
            assertEquals(position, buffer.position(), "the scanner must not consume the buffer");
        }
        assertTrue(scanner.isFollowing());
        return frames;
    }

    @Test
    void wholeStreamAtOnce() {
        byte[] bytes = clientBytes();
        assertEquals(EXPECTED, scanInPiecesOf(bytes, bytes.length));
    }

    @Test
    void everySplitPointGivesTheSameFrames() {
        byte[] bytes = clientBytes();
        for (int piece : new int[] {1, 2, 5, 9, 13, 24, 25, 100, 4096, 16384}) {
            assertEquals(EXPECTED, scanInPiecesOf(bytes, piece), "pieces of " + piece);
        }
    }

    @Test
    void http11ConnectionIsNotFollowed() {
        List<String> frames = new ArrayList<>();
        Http2FrameScanner<Http2FrameScanner.FrameListener> scanner = new Http2FrameScanner<>((type, flags, streamId, length) -> frames.add("frame"));
        byte[] request = "POST /app HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n\0\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);
        scanner.scan(Buffers.wrap(MM, request));
        assertFalse(scanner.isFollowing());
        scanner.scan(Buffers.wrap(MM, clientBytes()));
        assertEquals(List.of(), frames);
    }
}
