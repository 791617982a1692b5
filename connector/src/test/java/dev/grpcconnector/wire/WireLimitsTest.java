package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcconnector.glassfish.ConnectorSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The decoders' limits against hostile input, at the connector's default message size
 * limit: a 1 GiB gzip bomb and a length prefix announcing 4 GiB get their status, and the
 * bytes the decoding thread allocates ({@code ThreadMXBean.getThreadAllocatedBytes}) are
 * bounded by the limit and the bytes actually received, not by what the input announces.
 * The timeout only keeps a hang from stalling the build; nothing here measures speed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WireLimitsTest {
    private static final int LIMIT = ConnectorSettings.DEFAULT_MAX_MESSAGE_BYTES;
    private static final long GIB = 1L << 30;

    /** One gzip member of 1 GiB of zeros (about 1 MiB compressed), and one of 1024 members of 1 MiB. */
    private static byte[] bomb;
    private static byte[] memberBomb;

    @BeforeAll
    static void buildBombs() throws IOException {
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            for (long written = 0; written < GIB; written += zeros.length) {
                gzip.write(zeros);
            }
        }
        bomb = out.toByteArray();

        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(member)) {
            gzip.write(zeros);
        }
        ByteArrayOutputStream members = new ByteArrayOutputStream();
        for (int i = 0; i < GIB / zeros.length; i++) {
            members.writeBytes(member.toByteArray());
        }
        memberBomb = members.toByteArray();
    }

    @Test
    void oneGibibyteGzipBombIsResourceExhaustedWithinTheLimit() throws GrpcStatusException {
        assertTrue(bomb.length < LIMIT, "the bomb itself fits the limit: " + bomb.length);
        refusedWithBoundedAllocation(bomb);
        refusedWithBoundedAllocation(memberBomb);
    }

    private static void refusedWithBoundedAllocation(byte[] compressed) throws GrpcStatusException {
        byte[] body = framed(true, compressed);
        List<GrpcFrame> frames = new GrpcFrameDecoder(LIMIT).decode(ByteBuffer.wrap(body));
        GrpcStatusException e = assertThrows(GrpcStatusException.class,
                () -> MessageEncoding.decode(frames.get(0), "gzip", LIMIT));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status(), e.getMessage());

        long allocated = ThreadAllocation.steadyState(
                () -> MessageEncoding.decode(new GrpcFrameDecoder(LIMIT).decode(ByteBuffer.wrap(body)).get(0), "gzip", LIMIT));
        // The frame (grown by doubling to its size), the output buffer (grown by doubling,
        // never past the limit) and a few small buffers: far from the gibibyte announced.
        long bound = 3L * LIMIT + 4L * body.length + (1 << 20);
        System.out.printf("gzip bomb of %,d bytes: RESOURCE_EXHAUSTED, %,d bytes allocated (bound %,d)%n",
                body.length, allocated, bound);
        assertTrue(allocated <= bound, () -> "allocated " + allocated + " bytes for a " + body.length
                + "-byte bomb, more than " + bound);
    }

    @Test
    void prefixAnnouncingFourGibibytesIsRefusedBeforeAnyPayloadIsStored() {
        // 0xffffffff: the largest length a prefix can announce, 4 GiB - 1.
        byte[] body = new byte[GrpcFrame.PREFIX_BYTES + 1000];
        for (int i = 1; i < GrpcFrame.PREFIX_BYTES; i++) {
            body[i] = (byte) 0xff;
        }
        for (int limit : new int[] {LIMIT, Integer.MAX_VALUE}) {
            GrpcStatusException e = assertThrows(GrpcStatusException.class,
                    () -> new GrpcFrameDecoder(limit).decode(ByteBuffer.wrap(body)));
            assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("4294967295"), e.getMessage());

            long allocated = ThreadAllocation.steadyState(() -> new GrpcFrameDecoder(limit).decode(ByteBuffer.wrap(body)));
            assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes refusing a 4 GiB prefix");
        }
    }

    @Test
    void messageAnnouncedAtTheLimitHoldsOnlyWhatArrived() throws GrpcStatusException {
        byte[] prefix = new byte[GrpcFrame.PREFIX_BYTES];
        GrpcFrame.writePrefix(prefix, 0, LIMIT);
        byte[] hundred = new byte[100];
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(LIMIT);
        assertEquals(List.of(), decoder.decode(ByteBuffer.wrap(prefix)));
        for (int i = 0; i < 10; i++) {
            assertEquals(List.of(), decoder.decode(ByteBuffer.wrap(hundred)));
        }
        assertTrue(decoder.isInsideMessage());

        long allocated = ThreadAllocation.steadyState(() -> {
            GrpcFrameDecoder partial = new GrpcFrameDecoder(LIMIT);
            partial.decode(ByteBuffer.wrap(prefix));
            for (int i = 0; i < 10; i++) {
                partial.decode(ByteBuffer.wrap(hundred));
            }
        });
        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 1,000 bytes of a 16 MiB message");
    }

    private static byte[] framed(boolean compressed, byte[] payload) {
        byte[] body = new byte[GrpcFrame.PREFIX_BYTES + payload.length];
        GrpcFrame.writePrefix(body, 0, payload.length);
        body[0] = (byte) (compressed ? 1 : 0);
        System.arraycopy(payload, 0, body, GrpcFrame.PREFIX_BYTES, payload.length);
        return body;
    }
}
