package dev.grpcconnector.grizzly.workaround;

import dev.grpcconnector.grizzly.frames.Http2FrameScanner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http2.frames.DataFrame;
import org.glassfish.grizzly.http2.frames.PingFrame;
import org.glassfish.grizzly.http2.frames.WindowUpdateFrame;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;
import org.junit.jupiter.api.Test;

/** {@link ConnectionWindowFilter}: each received DATA byte is credited to the connection once. */
class ConnectionWindowFilterTest {
    private static final MemoryManager MM = MemoryManager.DEFAULT_MEMORY_MANAGER;

    private static Buffer connectionUpdate(int increment) {
        return WindowUpdateFrame.builder().windowSizeIncrement(increment).build().toBuffer(MM);
    }

    @Test
    void recognisesGrizzlysConnectionWindowUpdateOnly() {
        assertTrue(ConnectionWindowFilter.isConnectionWindowUpdate(connectionUpdate(1000)));
        assertFalse(ConnectionWindowFilter.isConnectionWindowUpdate(
                WindowUpdateFrame.builder().streamId(3).windowSizeIncrement(1000).build().toBuffer(MM)));
        assertFalse(ConnectionWindowFilter.isConnectionWindowUpdate(PingFrame.builder().opaqueData(7).build().toBuffer(MM)));
        assertFalse(ConnectionWindowFilter.isConnectionWindowUpdate(
                DataFrame.builder().streamId(1).data(Buffers.wrap(MM, new byte[4])).build().toBuffer(MM)));
    }

    @Test
    void rewrittenFrameIsTheFrameGrizzlyWouldWrite() {
        for (int increment : new int[] {1, 255, 65535, 1 << 24, Integer.MAX_VALUE}) {
            Buffer grizzly = connectionUpdate(increment);
            byte[] expected = new byte[grizzly.remaining()];
            grizzly.get(expected);
            assertArrayEquals(expected, ConnectionWindowFilter.windowUpdate(increment), "increment " + increment);
        }
    }

    @Test
    void grantsWhatWasReceivedOnceAcrossDoubledRequests() {
        ConnectionWindowFilter.Credit credit = new ConnectionWindowFilter.Credit();
        Http2FrameScanner<ConnectionWindowFilter.Credit> scanner = new Http2FrameScanner<>(credit);
        scanner.scan(Buffers.wrap(MM, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(0, credit.grant(100), "nothing received, nothing owed");
        scanner.scan(DataFrame.builder().streamId(1).data(Buffers.wrap(MM, new byte[30000])).build().toBuffer(MM));
        // Grizzly acknowledges on receipt and again on consumption: the second is dropped.
        assertEquals(30000, credit.grant(30000));
        assertEquals(0, credit.grant(30000));
        scanner.scan(DataFrame.builder().streamId(3).data(Buffers.wrap(MM, new byte[50000])).build().toBuffer(MM));
        assertEquals(20000, credit.grant(20000));
        assertEquals(30000, credit.grant(40000), "limited to what is still owed");
        assertEquals(0, credit.grant(1));
    }
}
