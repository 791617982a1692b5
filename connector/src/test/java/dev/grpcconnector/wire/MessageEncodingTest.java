package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Request decompression, checked against grpc-java's own gzip codec as the reference. */
class MessageEncodingTest {
    private static final int LIMIT = 1 << 20;

    private static byte[] grpcJavaGzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new Codec.Gzip().compress(out)) {
            gzip.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void gzipMessagesFromGrpcJavaDecompressToTheOriginal() throws Exception {
        Random random = new Random(3);
        for (int size : new int[] {0, 1, 100, 8192, 8193, 100_000, LIMIT}) {
            byte[] plain = new byte[size];
            random.nextBytes(plain);
            Arrays.fill(plain, 0, size / 2, (byte) 'a');
            byte[] compressed = grpcJavaGzip(plain);
            GrpcFrame frame = MessageEncoding.decode(new GrpcFrame(true, compressed, 0, compressed.length), "gzip", LIMIT);
            assertFalse(frame.compressed());
            assertArrayEquals(plain, Arrays.copyOfRange(frame.payload(), frame.offset(), frame.offset() + frame.length()));
        }
    }

    @Test
    void uncompressedMessagesPassUnchanged() throws Exception {
        GrpcFrame frame = new GrpcFrame(false, new byte[] {1, 2, 3}, 0, 3);
        assertSame(frame, MessageEncoding.decode(frame, "gzip", LIMIT));
        assertSame(frame, MessageEncoding.decode(frame, null, LIMIT));
    }

    @Test
    void expansionBeyondTheLimitIsResourceExhausted() throws Exception {
        byte[] bomb = grpcJavaGzip(new byte[LIMIT + 1]);
        GrpcStatusException e = assertThrows(GrpcStatusException.class,
                () -> MessageEncoding.decode(new GrpcFrame(true, bomb, 0, bomb.length), "gzip", LIMIT));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status());
    }

    @Test
    void compressedWithoutGzipOrWithGarbageIsInternal() throws Exception {
        byte[] compressed = grpcJavaGzip(new byte[] {1, 2, 3});
        for (String encoding : new String[] {null, "identity"}) {
            assertEquals(GrpcStatus.INTERNAL, assertThrows(GrpcStatusException.class,
                    () -> MessageEncoding.decode(new GrpcFrame(true, compressed, 0, compressed.length), encoding, LIMIT)).status());
        }
        byte[] garbage = {1, 2, 3, 4, 5};
        assertEquals(GrpcStatus.INTERNAL, assertThrows(GrpcStatusException.class,
                () -> MessageEncoding.decode(new GrpcFrame(true, garbage, 0, garbage.length), "gzip", LIMIT)).status());
    }

    @Test
    void onlyIdentityAndGzipAreAccepted() throws Exception {
        MessageEncoding.check(null);
        MessageEncoding.check("identity");
        MessageEncoding.check("gzip");
        for (String other : new String[] {"deflate", "snappy", "br", "GZIP"}) {
            assertEquals(GrpcStatus.UNIMPLEMENTED, assertThrows(GrpcStatusException.class, () -> MessageEncoding.check(other)).status());
        }
    }
}
