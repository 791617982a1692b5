package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.api.HttpBody;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.StringValue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpBodyStreamDecoder} against protobuf-java (what it writes) and grpc-java (its
 * framing): the pieces of every message, fed in chunks of any size, carry exactly the
 * message's content type and data; a large message is never held; whatever it accepts,
 * {@link HttpBodyMessage#decode} (itself checked against protobuf-java) reads the same.
 */
class HttpBodyStreamDecoderTest {
    private static final int STREAM_ABOVE = 64 * 1024;

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Feeds {@code stream} in random chunks of 1 to {@code maxChunk} bytes. */
    private static List<HttpBodyMessage> decodeInChunks(HttpBodyStreamDecoder decoder, byte[] stream, Random random,
            int maxChunk) throws GrpcStatusException {
        List<HttpBodyMessage> pieces = new ArrayList<>();
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, 1 + random.nextInt(maxChunk));
            pieces.addAll(decoder.decode(ByteBuffer.wrap(stream, at, n)));
            at += n;
        }
        return pieces;
    }

    /** The pieces, message by message, are the messages' content types and data. */
    private static void assertPiecesAre(List<HttpBody> messages, List<HttpBodyMessage> pieces) {
        int p = 0;
        for (HttpBody message : messages) {
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            do {
                assertTrue(p < pieces.size(), "pieces missing for " + messages.indexOf(message));
                HttpBodyMessage piece = pieces.get(p++);
                assertEquals(message.getContentType(), piece.contentType(), "content type of a piece");
                data.write(piece.data(), piece.dataOffset(), piece.dataLength());
            } while (data.size() < message.getData().size());
            assertArrayEquals(message.getData().toByteArray(), data.toByteArray(), "data of message " + messages.indexOf(message));
        }
        assertEquals(pieces.size(), p, "no pieces beyond the messages");
    }

    @Test
    void messagesOfEverySizeInChunksOfEverySizeDecodeLikeProtobuf() throws Throwable {
        Random random = new Random(15);
        for (int round = 0; round < 40; round++) {
            List<HttpBody> messages = new ArrayList<>();
            List<byte[]> encoded = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                HttpBody.Builder body = HttpBody.newBuilder();
                if (random.nextBoolean()) {
                    body.setContentType(i == 0 ? "application/octet-stream" : "text/plain; charset=\u00e9");
                }
                int size = switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(1000);
                    case 2 -> STREAM_ABOVE - 20 + random.nextInt(40);
                    default -> 100_000 + random.nextInt(400_000);
                };
                body.setData(ByteString.copyFrom(randomBytes(random, size)));
                if (random.nextInt(4) == 0) {
                    body.addExtensions(Any.pack(StringValue.of("extension")));
                }
                messages.add(body.build());
                encoded.add(body.build().toByteArray());
            }
            byte[] stream = GrpcJavaReference.frame(encoded, false);
            HttpBodyStreamDecoder decoder = new HttpBodyStreamDecoder(1 << 20, MessageMemory.UNCOUNTED, STREAM_ABOVE, null);
            List<HttpBodyMessage> pieces = decodeInChunks(decoder, stream, random, 1 + random.nextInt(40_000));
            assertPiecesAre(messages, pieces);
            assertFalse(decoder.isInsideMessage());
            assertEquals(encoded.size(), GrpcJavaReference.deframe(stream, 1 << 20, false).size(), "grpc-java reads as many");
        }
    }

    @Test
    void aLargeMessageIsNeverHeld() throws GrpcStatusException {
        byte[] data = randomBytes(new Random(1), 16 * 1024 * 1024 - 64);
        HttpBody body = HttpBody.newBuilder().setContentType("application/octet-stream").setData(ByteString.copyFrom(data))
                .build();
        byte[] stream = GrpcJavaReference.frame(List.of(body.toByteArray()), false);
        MessageMemoryAccountingTest.LimitedMemory memory = new MessageMemoryAccountingTest.LimitedMemory(1024);
        HttpBodyStreamDecoder decoder = new HttpBodyStreamDecoder(16 * 1024 * 1024, memory, STREAM_ABOVE, null);
        List<HttpBodyMessage> pieces = new ArrayList<>();
        for (int at = 0; at < stream.length; at += 16384) {
            List<HttpBodyMessage> now = decoder.decode(ByteBuffer.wrap(stream, at, Math.min(16384, stream.length - at)));
            for (HttpBodyMessage piece : now) {
                assertTrue(piece.dataLength() <= 16384, "a piece is at most one delivery");
            }
            pieces.addAll(now);
        }
        assertPiecesAre(List.of(body), pieces);
        assertTrue(memory.peak <= 64, "only the content type is held: " + memory.peak);
        assertEquals(0, memory.held);
    }

    @Test
    void smallAndCompressedMessagesAreBufferedWholeAndAccounted() throws Throwable {
        byte[] small = HttpBody.newBuilder().setContentType("a").setData(ByteString.copyFrom(new byte[30_000])).build()
                .toByteArray();
        byte[] big = HttpBody.newBuilder().setData(ByteString.copyFrom(new byte[200_000])).build().toByteArray();
        MessageMemoryAccountingTest.LimitedMemory memory = new MessageMemoryAccountingTest.LimitedMemory(Long.MAX_VALUE);
        HttpBodyStreamDecoder decoder = new HttpBodyStreamDecoder(1 << 20, memory, STREAM_ABOVE, "gzip");
        List<HttpBodyMessage> pieces = decoder.decode(ByteBuffer.wrap(GrpcJavaReference.frame(List.of(small), false)));
        assertEquals(1, pieces.size(), "a small message is one piece");
        assertTrue(memory.peak >= 30_000, "held whole while it arrived: " + memory.peak);
        pieces = decoder.decode(ByteBuffer.wrap(GrpcJavaReference.frame(List.of(big), true)));
        assertEquals(1, pieces.size(), "a compressed message is decompressed whole");
        assertEquals(200_000, pieces.get(0).dataLength());
        assertTrue(memory.peak >= 200_000, "its decompressed bytes were accounted: " + memory.peak);
        assertEquals(0, memory.held);
    }

    @Test
    void aStreamCutShortIsInsideAMessage() throws GrpcStatusException {
        byte[] body = HttpBody.newBuilder().setData(ByteString.copyFrom(new byte[100_000])).build().toByteArray();
        byte[] stream = GrpcJavaReference.frame(List.of(body), false);
        HttpBodyStreamDecoder decoder = new HttpBodyStreamDecoder(1 << 20, MessageMemory.UNCOUNTED, STREAM_ABOVE, null);
        List<HttpBodyMessage> pieces = decoder.decode(ByteBuffer.wrap(stream, 0, 50_000));
        assertFalse(pieces.isEmpty(), "data goes on before the message is complete");
        assertTrue(decoder.isInsideMessage());
    }

    /**
     * A streamed message is checked as its bytes arrive, not when it is complete: bytes
     * that are no HttpBody field (here zeros, tag 0) are refused at once, while a valid
     * start whose data is still missing waits for it.
     */
    @Test
    void aStreamedMessageIsRefusedAtItsFirstInvalidByteNotAtItsEnd() throws GrpcStatusException {
        byte[] prefix = {0, 0, 0x0f, 0x42, 0x40}; // 1,000,000 bytes announced
        HttpBodyStreamDecoder zeros = new HttpBodyStreamDecoder(1 << 20, MessageMemory.UNCOUNTED, STREAM_ABOVE, null);
        zeros.decode(ByteBuffer.wrap(prefix));
        GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> zeros.decode(ByteBuffer.wrap(new byte[10])));
        assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
        assertTrue(e.getMessage().contains("field 0"), e.getMessage());

        byte[] start = HttpBodyMessage.frameHeader("text/plain".getBytes(StandardCharsets.UTF_8), 999_000);
        HttpBodyStreamDecoder valid = new HttpBodyStreamDecoder(1 << 20, MessageMemory.UNCOUNTED, STREAM_ABOVE, null);
        List<HttpBodyMessage> pieces = new ArrayList<>(valid.decode(ByteBuffer.wrap(start)));
        pieces.addAll(valid.decode(ByteBuffer.wrap(new byte[10])));
        assertEquals(10, pieces.stream().mapToInt(HttpBodyMessage::dataLength).sum(), "the data so far goes on");
        assertTrue(valid.isInsideMessage());
    }

    @Test
    void theFrameChecksStillApply() {
        HttpBodyStreamDecoder decoder = new HttpBodyStreamDecoder(100_000, MessageMemory.UNCOUNTED, STREAM_ABOVE, null);
        GrpcStatusException tooLong = assertThrows(GrpcStatusException.class,
                () -> decoder.decode(ByteBuffer.wrap(new byte[] {0, 0, 1, (byte) 0x86, (byte) 0xa1})));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, tooLong.status());
        GrpcStatusException flag = assertThrows(GrpcStatusException.class,
                () -> new HttpBodyStreamDecoder(100, MessageMemory.UNCOUNTED, 0, null)
                        .decode(ByteBuffer.wrap(new byte[] {2, 0, 0, 0, 1})));
        assertEquals(GrpcStatus.INTERNAL, flag.status());
    }

    @Test
    void outOfOrderOrRepeatedFieldsOfAStreamedMessageAreRefused() throws Exception {
        byte[] data = new byte[100_000];
        byte[] contentTypeAfterData = encode(out -> {
            out.writeByteArray(2, data);
            out.writeString(1, "text/plain");
        });
        byte[] dataTwice = encode(out -> {
            out.writeByteArray(2, data);
            out.writeByteArray(2, data);
        });
        for (byte[] message : List.of(contentTypeAfterData, dataTwice)) {
            HttpBodyStreamDecoder decoder = new HttpBodyStreamDecoder(1 << 20, MessageMemory.UNCOUNTED, STREAM_ABOVE, null);
            GrpcStatusException e = assertThrows(GrpcStatusException.class,
                    () -> decoder.decode(ByteBuffer.wrap(GrpcJavaReference.frame(List.of(message), false))));
            assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("streamed message"), e.getMessage());
            // Small, the same message is buffered whole and read as protobuf reads it.
            byte[] small = Arrays.copyOf(message, message.length);
            HttpBodyMessage whole = HttpBodyMessage.decode(new GrpcFrame(false, small, 0, small.length));
            assertEquals(HttpBody.parseFrom(small).getData().size(), whole.dataLength());
        }
    }

    @Test
    void aFieldRunningPastItsMessageIsRefusedWhateverFollows() throws Exception {
        for (int overrun = 1; overrun <= 3; overrun++) {
            byte[] message = new byte[3 + 100_000];
            message[0] = 0x12;
            int length = 100_000 + overrun;
            message[1] = (byte) (length & 0x7f | 0x80);
            message[2] = (byte) ((length >>> 7) & 0x7f | 0x80);
            message = Arrays.copyOf(message, message.length + 1);
            System.arraycopy(message, 3, message, 4, 100_000);
            message[3] = (byte) (length >>> 14);
            byte[] stream = GrpcJavaReference.frame(List.of(message, FOLLOWER.toByteArray()), false);
            HttpBodyStreamDecoder decoder = new HttpBodyStreamDecoder(1 << 20, MessageMemory.UNCOUNTED, STREAM_ABOVE, null);
            GrpcStatusException e = assertThrows(GrpcStatusException.class, () -> decoder.decode(ByteBuffer.wrap(stream)));
            assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status());
            assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
        }
    }

    /**
     * Every message streamed (threshold 0), including mutated, non-canonical and malformed
     * encodings: whatever the stream decoder accepts, {@link HttpBodyMessage#decode} reads
     * the same way; what it refuses, decode refuses too, or it is one of the two orders a
     * streamed message may not have.
     */
    @Test
    void fuzzMutatedMessagesStreamedAgreeWithTheWholeMessageDecoder() throws Exception {
        Random random = new Random(151);
        int accepted = 0;
        for (int iteration = 0; iteration < 20_000; iteration++) {
            HttpBody.Builder builder = HttpBody.newBuilder();
            if (random.nextBoolean()) {
                builder.setContentType("t" + random.nextInt(100));
            }
            if (random.nextBoolean()) {
                builder.setData(ByteString.copyFrom(randomBytes(random, random.nextInt(20))));
            }
            if (random.nextInt(4) == 0) {
                builder.addExtensions(Any.pack(StringValue.of("e")));
            }
            byte[] bytes = builder.build().toByteArray();
            if (bytes.length > 0 && random.nextInt(4) > 0) {
                bytes = bytes.clone();
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            byte[] message = bytes;
            HttpBodyMessage whole;
            try {
                whole = HttpBodyMessage.decode(new GrpcFrame(false, message, 0, message.length));
            } catch (GrpcStatusException e) {
                whole = null;
            }
            HttpBodyStreamDecoder decoder = new HttpBodyStreamDecoder(1 << 20, MessageMemory.UNCOUNTED, 0, null);
            List<HttpBodyMessage> pieces;
            try {
                // A valid message follows, so that reading past the mutated one's end shows.
                pieces = decodeInChunks(decoder, GrpcJavaReference.frame(List.of(message, FOLLOWER.toByteArray()), false),
                        random, 8);
            } catch (GrpcStatusException e) {
                assertEquals(GrpcStatus.INVALID_ARGUMENT, e.status(), e::getMessage);
                if (whole != null && !e.getMessage().contains("streamed message")) {
                    fail("refused " + Arrays.toString(message) + " (" + e.getMessage() + "), which decode reads");
                }
                continue;
            }
            if (whole == null) {
                fail("accepted " + Arrays.toString(message) + ", which decode refuses");
            }
            accepted++;
            assertFalse(decoder.isInsideMessage(), () -> "accepted with bytes left over: " + Arrays.toString(message));
            HttpBodyMessage last = pieces.remove(pieces.size() - 1);
            assertEquals(FOLLOWER.getContentType(), last.contentType());
            assertEquals(FOLLOWER.getData(), ByteString.copyFrom(last.data(), last.dataOffset(), last.dataLength()));
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (HttpBodyMessage piece : pieces) {
                assertEquals(whole.contentType(), piece.contentType(), () -> Arrays.toString(message));
                data.write(piece.data(), piece.dataOffset(), piece.dataLength());
            }
            assertArrayEquals(Arrays.copyOfRange(whole.data(), whole.dataOffset(), whole.dataOffset() + whole.dataLength()),
                    data.toByteArray());
        }
        assertTrue(accepted > 5000, "accepted inputs exercised too: " + accepted);
    }

    private static final HttpBody FOLLOWER = HttpBody.newBuilder().setContentType("f")
            .setData(ByteString.copyFromUtf8("z")).build();

    private interface Writer {
        void write(CodedOutputStream out) throws Exception;
    }

    private static byte[] encode(Writer writer) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writer.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
