package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link GrpcFrameDecoder} against grpc-java's MessageFramer / MessageDeframer. */
class GrpcFrameDecoderTest {
    private static final MethodDescriptor.Marshaller<HttpBody> MARSHALLER = ProtoUtils.marshaller(HttpBody.getDefaultInstance());

    private static byte[] serialize(HttpBody body) throws IOException {
        try (InputStream in = MARSHALLER.stream(body)) {
            return in.readAllBytes();
        }
    }

    /** HttpBody messages of assorted sizes, zero-length ones included. */
    private static List<byte[]> sampleMessages(Random random, int count, int maxData) throws IOException {
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpBody.Builder body = HttpBody.newBuilder();
            if (i % 3 != 0) {
                byte[] data = new byte[random.nextInt(maxData + 1)];
                random.nextBytes(data);
                body.setData(ByteString.copyFrom(data)).setContentType("application/octet-stream");
            }
            messages.add(serialize(body.build()));
        }
        return messages;
    }

    private static List<byte[]> payloads(List<GrpcFrame> frames) {
        List<byte[]> out = new ArrayList<>();
        for (GrpcFrame frame : frames) {
            out.add(Arrays.copyOfRange(frame.payload(), frame.offset(), frame.offset() + frame.length()));
        }
        return out;
    }

    private static void assertSameMessages(List<byte[]> expected, List<GrpcFrame> actual) {
        assertEquals(expected.size(), actual.size(), "number of messages");
        List<byte[]> payloads = payloads(actual);
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), payloads.get(i), "message " + i);
            assertFalse(actual.get(i).compressed(), "message " + i);
        }
    }

    /** Feeds {@code stream} cut at the given (sorted) positions. */
    private static List<GrpcFrame> decodeChunked(byte[] stream, int[] cuts, int maxMessageBytes) throws GrpcStatusException {
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(maxMessageBytes);
        List<GrpcFrame> frames = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            ByteBuffer chunk = ByteBuffer.wrap(stream, from, to - from);
            frames.addAll(decoder.decode(chunk));
            assertFalse(chunk.hasRemaining(), "decode consumes its whole input");
            from = to;
        }
        assertFalse(decoder.isInsideMessage(), "the stream ends between messages");
        return frames;
    }

    private static byte[] prefix(int flag, long length) {
        return new byte[] {(byte) flag, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    @Test
    void wholeStreamFromGrpcJava() throws Throwable {
        List<byte[]> messages = sampleMessages(new Random(1), 12, 3000);
        byte[] stream = GrpcJavaReference.frame(messages, false);
        assertSameMessages(messages, new GrpcFrameDecoder(1 << 20).decode(ByteBuffer.wrap(stream)));
        // Same stream, read back by grpc-java itself, to be sure the reference is sound.
        List<byte[]> grpcJava = GrpcJavaReference.deframe(stream, 1 << 20, false);
        assertEquals(messages.size(), grpcJava.size());
    }

    @Test
    void handWrittenPrefixesAgreeWithGrpcJava() throws IOException {
        List<byte[]> messages = sampleMessages(new Random(2), 6, 500);
        ByteArrayOutputStream handWritten = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            handWritten.write(prefix(0, message.length));
            handWritten.write(message);
        }
        assertArrayEquals(GrpcJavaReference.frame(messages, false), handWritten.toByteArray());
    }

    @Test
    void byteByByte() throws Exception {
        List<byte[]> messages = sampleMessages(new Random(3), 9, 700);
        byte[] stream = GrpcJavaReference.frame(messages, false);
        int[] cuts = new int[stream.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertSameMessages(messages, decodeChunked(stream, cuts, 1 << 20));
    }

    @Test
    void everySingleSplitPoint() throws Exception {
        List<byte[]> messages = sampleMessages(new Random(4), 7, 400);
        byte[] stream = GrpcJavaReference.frame(messages, false);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertSameMessages(messages, decodeChunked(stream, new int[] {cut}, 1 << 20));
        }
    }

    @Test
    void everyPairOfSplitPoints() throws Exception {
        List<byte[]> messages = List.of(new byte[0], new byte[] {1, 2, 3}, new byte[0], new byte[40], new byte[] {9});
        byte[] stream = GrpcJavaReference.frame(messages, false);
        for (int a = 0; a <= stream.length; a++) {
            for (int b = a; b <= stream.length; b++) {
                assertSameMessages(messages, decodeChunked(stream, new int[] {a, b}, 100));
            }
        }
    }

    @Test
    void randomChunkings() throws Exception {
        Random random = new Random(5);
        for (int iteration = 0; iteration < 200; iteration++) {
            List<byte[]> messages = sampleMessages(random, 1 + random.nextInt(8), random.nextBoolean() ? 100 : 20000);
            byte[] stream = GrpcJavaReference.frame(messages, false);
            int cutCount = random.nextInt(Math.min(stream.length, 60) + 1);
            int[] cuts = random.ints(cutCount, 0, stream.length + 1).sorted().toArray();
            assertSameMessages(messages, decodeChunked(stream, cuts, 1 << 20));
        }
    }

    @Test
    void framesStayValidAfterLaterInput() throws Exception {
        List<byte[]> messages = sampleMessages(new Random(6), 10, 9000);
        byte[] stream = GrpcJavaReference.frame(messages, false);
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(1 << 20);
        List<GrpcFrame> frames = new ArrayList<>();
        for (int from = 0; from < stream.length; from += 777) {
            // A fresh copy per chunk, then scribbled over: frames must not alias the input.
            byte[] chunk = Arrays.copyOfRange(stream, from, Math.min(stream.length, from + 777));
            frames.addAll(decoder.decode(ByteBuffer.wrap(chunk)));
            Arrays.fill(chunk, (byte) 0xee);
        }
        assertSameMessages(messages, frames);
    }

    @Test
    void severalMessagesInOneChunkThenAPartialOne() throws Exception {
        List<byte[]> messages = List.of(new byte[] {10}, new byte[0], new byte[] {20, 21}, new byte[] {30, 31, 32});
        byte[] stream = GrpcJavaReference.frame(messages, false);
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(100);
        int cut = stream.length - 2;
        List<GrpcFrame> first = decoder.decode(ByteBuffer.wrap(stream, 0, cut));
        assertSameMessages(messages.subList(0, 3), first);
        assertTrue(decoder.isInsideMessage());
        List<GrpcFrame> rest = decoder.decode(ByteBuffer.wrap(stream, cut, 2));
        assertSameMessages(messages.subList(3, 4), rest);
        assertFalse(decoder.isInsideMessage());
    }

    @Test
    void zeroLengthMessages() throws Exception {
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(10);
        List<GrpcFrame> frames = decoder.decode(ByteBuffer.wrap(new byte[15]));
        assertEquals(3, frames.size());
        for (GrpcFrame frame : frames) {
            assertEquals(0, frame.length());
            assertFalse(frame.compressed());
            assertTrue(frame.payload() != null);
        }
        assertFalse(decoder.isInsideMessage());
        // A zero-length message completes with its prefix's last byte.
        assertEquals(0, decoder.decode(ByteBuffer.wrap(new byte[4])).size());
        assertTrue(decoder.isInsideMessage());
        assertEquals(1, decoder.decode(ByteBuffer.wrap(new byte[1])).size());
        assertFalse(decoder.isInsideMessage());
        // An empty HttpBody is a zero-length message and decodes as such.
        byte[] empty = GrpcJavaReference.frame(List.of(HttpBody.getDefaultInstance().toByteArray()), false);
        assertArrayEquals(new byte[5], empty);
    }

    @Test
    void isInsideMessageThroughPrefixAndPayload() throws Exception {
        byte[] stream = GrpcJavaReference.frame(List.of(new byte[] {1, 2, 3}), false);
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(100);
        assertFalse(decoder.isInsideMessage(), "nothing received");
        decoder.decode(ByteBuffer.allocate(0));
        assertFalse(decoder.isInsideMessage(), "an empty chunk");
        for (int i = 0; i < stream.length - 1; i++) {
            assertEquals(0, decoder.decode(ByteBuffer.wrap(stream, i, 1)).size());
            assertTrue(decoder.isInsideMessage(), "after " + (i + 1) + " bytes");
        }
        assertEquals(1, decoder.decode(ByteBuffer.wrap(stream, stream.length - 1, 1)).size());
        assertFalse(decoder.isInsideMessage());
    }

    @Test
    void messageOverTheLimitIsRefusedAsSoonAsItsPrefixIsComplete() throws Exception {
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(100);
        byte[] prefix = prefix(0, 101);
        assertEquals(0, decoder.decode(ByteBuffer.wrap(prefix, 0, 4)).size());
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> decoder.decode(ByteBuffer.wrap(prefix, 4, 1)));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status());
        assertTrue(e.getMessage().contains("101") && e.getMessage().contains("100"), e.getMessage());

        GrpcStatusException whole = assertThrows(GrpcStatusException.class,
                () -> new GrpcFrameDecoder(100).decode(ByteBuffer.wrap(prefix)));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, whole.status());
    }

    @Test
    void oversizedMessageAfterAcceptedOnesInTheSameChunk() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(prefix(0, 1));
        stream.write(7);
        stream.write(prefix(0, 1000));
        GrpcStatusException e = assertThrows(GrpcStatusException.class,
                () -> new GrpcFrameDecoder(100).decode(ByteBuffer.wrap(stream.toByteArray())));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 100, 4096, 16 * 1024 * 1024})
    void limitIsInclusiveLikeGrpcJava(int limit) throws Throwable {
        byte[] atLimit = new byte[limit];
        new Random(limit).nextBytes(atLimit);
        byte[] stream = GrpcJavaReference.frame(List.of(atLimit), false);
        assertSameMessages(List.of(atLimit), new GrpcFrameDecoder(limit).decode(ByteBuffer.wrap(stream)));
        assertEquals(1, GrpcJavaReference.deframe(stream, limit, false).size());

        byte[] overLimit = GrpcJavaReference.frame(List.of(new byte[limit + 1]), false);
        GrpcStatusException ours = assertThrows(GrpcStatusException.class,
                () -> new GrpcFrameDecoder(limit).decode(ByteBuffer.wrap(overLimit, 0, GrpcFrame.PREFIX_BYTES)));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, ours.status());
        StatusRuntimeException theirs = assertThrows(StatusRuntimeException.class,
                () -> GrpcJavaReference.deframe(overLimit, limit, false));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, theirs.getStatus().getCode());
        assertEquals(theirs.getStatus().getCode().value(), ours.status().code());
    }

    @Test
    void largestAnnouncedLengthDoesNotOverflow() {
        for (long announced : new long[] {0x80000000L, 0xffffffffL, 0x7fffffffL + 1}) {
            GrpcStatusException e = assertThrows(GrpcStatusException.class,
                    () -> new GrpcFrameDecoder(Integer.MAX_VALUE).decode(ByteBuffer.wrap(prefix(0, announced))));
            assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status());
        }
    }

    @Test
    void largeAnnouncedLengthWithinLimitWaitsForPayload() throws Exception {
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(Integer.MAX_VALUE);
        assertEquals(0, decoder.decode(ByteBuffer.wrap(prefix(0, Integer.MAX_VALUE))).size());
        assertEquals(0, decoder.decode(ByteBuffer.wrap(new byte[10])).size());
        assertTrue(decoder.isInsideMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 0x80, 0xfe, 0xff})
    void unknownFlagIsInternalLikeGrpcJava(int flag) {
        byte[] stream = new byte[] {(byte) flag, 0, 0, 0, 1, 42};
        GrpcStatusException ours = assertThrows(GrpcStatusException.class,
                () -> new GrpcFrameDecoder(100).decode(ByteBuffer.wrap(stream)));
        assertEquals(GrpcStatus.INTERNAL, ours.status());
        StatusRuntimeException theirs = assertThrows(StatusRuntimeException.class,
                () -> GrpcJavaReference.deframe(stream, 100, false));
        assertEquals(Status.Code.INTERNAL, theirs.getStatus().getCode());
    }

    @Test
    void unknownFlagIsRefusedBeforeTheLengthIsLookedAt() {
        // Flag 2 with an oversized length: the malformed prefix, not the size, is the error.
        GrpcStatusException e = assertThrows(GrpcStatusException.class,
                () -> new GrpcFrameDecoder(100).decode(ByteBuffer.wrap(prefix(2, 1 << 30))));
        assertEquals(GrpcStatus.INTERNAL, e.status());
    }

    @Test
    void compressedFlagIsReportedOnTheFrame() throws Exception {
        List<byte[]> messages = sampleMessages(new Random(8), 4, 5000);
        byte[] stream = GrpcJavaReference.frame(messages, true);
        List<GrpcFrame> frames = new GrpcFrameDecoder(1 << 20).decode(ByteBuffer.wrap(stream));
        assertEquals(messages.size(), frames.size());
        for (int i = 0; i < frames.size(); i++) {
            GrpcFrame frame = frames.get(i);
            byte[] payload = Arrays.copyOfRange(frame.payload(), frame.offset(), frame.offset() + frame.length());
            if (messages.get(i).length == 0) {
                // grpc-java never compresses an empty message.
                assertFalse(frame.compressed(), "message " + i);
                assertEquals(0, payload.length);
                continue;
            }
            assertTrue(frame.compressed(), "message " + i);
            byte[] gzipped = payload;
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
                assertArrayEquals(messages.get(i), in.readAllBytes(), "message " + i);
            }
        }
    }

    @Test
    void compressedAndUncompressedMessagesMixed() throws Exception {
        byte[] stream = {1, 0, 0, 0, 2, 'a', 'b', 0, 0, 0, 0, 1, 'c', 1, 0, 0, 0, 0};
        List<GrpcFrame> frames = new GrpcFrameDecoder(10).decode(ByteBuffer.wrap(stream));
        assertEquals(3, frames.size());
        assertTrue(frames.get(0).compressed());
        assertFalse(frames.get(1).compressed());
        assertTrue(frames.get(2).compressed());
        assertEquals(List.of("ab", "c", ""), payloads(frames).stream().map(String::new).toList());
    }

    @Test
    void directAndReadOnlyAndOffsetBuffers() throws Exception {
        List<byte[]> messages = sampleMessages(new Random(9), 5, 2000);
        byte[] stream = GrpcJavaReference.frame(messages, false);

        ByteBuffer direct = ByteBuffer.allocateDirect(stream.length);
        direct.put(stream).flip();
        assertSameMessages(messages, new GrpcFrameDecoder(1 << 20).decode(direct));

        assertSameMessages(messages, new GrpcFrameDecoder(1 << 20).decode(ByteBuffer.wrap(stream).asReadOnlyBuffer()));

        byte[] padded = new byte[stream.length + 20];
        System.arraycopy(stream, 0, padded, 13, stream.length);
        ByteBuffer slice = ByteBuffer.wrap(padded, 13, stream.length);
        assertSameMessages(messages, new GrpcFrameDecoder(1 << 20).decode(slice));
        assertEquals(13 + stream.length, slice.position());
    }

    @Test
    void streamEndingInsideAMessageIsDetectable() throws Exception {
        byte[] stream = GrpcJavaReference.frame(List.of(new byte[] {1, 2, 3, 4}), false);
        for (int cut = 1; cut < stream.length; cut++) {
            GrpcFrameDecoder decoder = new GrpcFrameDecoder(100);
            assertEquals(0, decoder.decode(ByteBuffer.wrap(stream, 0, cut)).size());
            assertTrue(decoder.isInsideMessage(), "cut at " + cut);
        }
    }
}
