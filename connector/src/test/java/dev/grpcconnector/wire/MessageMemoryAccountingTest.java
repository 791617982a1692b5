package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The codecs account for what they hold before they allocate it: the frame decoder's
 * partial message, gzip decompression, the unary response builder. Decoded messages are
 * still checked against protobuf-java and grpc-java.
 */
class MessageMemoryAccountingTest {

    /** A memory that refuses beyond {@code limit} and records the high-water mark. */
    static final class LimitedMemory implements MessageMemory {
        final long limit;
        long held;
        long peak;

        LimitedMemory(long limit) {
            this.limit = limit;
        }

        @Override
        public boolean tryHold(long bytes) {
            if (held + bytes > limit) {
                return false;
            }
            held += bytes;
            peak = Math.max(peak, held);
            return true;
        }

        @Override
        public void release(long bytes) {
            held -= bytes;
        }

        @Override
        public String refusal() {
            return "test budget of " + limit + " bytes";
        }
    }

    private static byte[] httpBody(int dataBytes) {
        byte[] data = new byte[dataBytes];
        new Random(dataBytes).nextBytes(data);
        return HttpBody.newBuilder().setContentType("application/octet-stream").setData(ByteString.copyFrom(data))
                .build().toByteArray();
    }

    @Test
    void theDecoderHoldsWhatAPartialMessageNeedsAndGivesItBackWhenComplete() throws Throwable {
        byte[] message = httpBody(1_000_000);
        byte[] stream = GrpcJavaReference.frame(List.of(message), false);
        LimitedMemory memory = new LimitedMemory(Long.MAX_VALUE);
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(2_000_000, memory);
        int half = stream.length / 2;
        assertEquals(0, decoder.decode(ByteBuffer.wrap(stream, 0, half)).size());
        assertTrue(memory.held >= half - GrpcFrame.PREFIX_BYTES && memory.held <= message.length,
                "a partial message holds about what arrived, at most its length: " + memory.held);
        List<GrpcFrame> frames = decoder.decode(ByteBuffer.wrap(stream, half, stream.length - half));
        assertEquals(1, frames.size());
        assertEquals(0, memory.held, "a complete message is handed on and no longer held");
        assertTrue(memory.peak <= message.length, "never more than the message: " + memory.peak);
        GrpcFrame frame = frames.get(0);
        byte[] decoded = Arrays.copyOfRange(frame.payload(), frame.offset(), frame.offset() + frame.length());
        assertArrayEquals(GrpcJavaReference.deframe(stream, 2_000_000, false).get(0), decoded, "as grpc-java reads it");
        HttpBodyMessage body = HttpBodyMessage.decode(frame);
        assertEquals(HttpBody.parseFrom(message).getData(),
                ByteString.copyFrom(body.data(), body.dataOffset(), body.dataLength()), "as protobuf-java reads it");
    }

    @Test
    void aRefusedGrowthIsResourceExhaustedBeforeAnythingIsAllocated() throws GrpcStatusException {
        byte[] stream = GrpcJavaReference.frame(List.of(httpBody(100_000)), false);
        LimitedMemory memory = new LimitedMemory(50_000);
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(1_000_000, memory);
        decoder.decode(ByteBuffer.wrap(stream, 0, 20_000));
        long heldBefore = memory.held;
        GrpcStatusException e = assertThrows(GrpcStatusException.class,
                () -> decoder.decode(ByteBuffer.wrap(stream, 20_000, stream.length - 20_000)));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status());
        assertEquals("test budget of 50000 bytes", e.getMessage());
        assertEquals(heldBefore, memory.held, "the refused growth holds nothing");
    }

    @Test
    void gzipDecompressionHoldsTheExpandedBytesWhileItRuns() throws Exception {
        byte[] plain = new byte[200_000]; // compresses to a few hundred bytes
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
            gzip.write(plain);
        }
        byte[] bytes = compressed.toByteArray();
        GrpcFrame frame = new GrpcFrame(true, bytes, 0, bytes.length);

        LimitedMemory enough = new LimitedMemory(300_000);
        assertEquals(plain.length, MessageEncoding.decode(frame, "gzip", 1_000_000, enough).length());
        assertEquals(plain.length, enough.peak, "held while decompressing");
        assertEquals(0, enough.held, "given back once the message is handed on");

        LimitedMemory tooLittle = new LimitedMemory(100_000);
        GrpcStatusException e = assertThrows(GrpcStatusException.class,
                () -> MessageEncoding.decode(frame, "gzip", 1_000_000, tooLittle));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, e.status());
        assertEquals(0, tooLittle.held, "a refused decompression gives back what it held");
    }

    @Test
    void theUnaryResponseHasItsOwnLimitAndCountsItsBuffer() throws Exception {
        LimitedMemory memory = new LimitedMemory(Long.MAX_VALUE);
        UnaryMessageBuilder builder = new UnaryMessageBuilder("text/plain", 100_000, memory);
        builder.append(ByteBuffer.wrap(new byte[60_000]));
        builder.append(ByteBuffer.wrap(new byte[40_000]));
        assertTrue(memory.held >= 100_000 && memory.held <= 100_000 + 64, "its buffer is held: " + memory.held);
        ByteBuffer frame = builder.build();
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        HttpBody body = HttpBody.parseFrom(Arrays.copyOfRange(bytes, GrpcFrame.PREFIX_BYTES, bytes.length));
        assertEquals("text/plain", body.getContentType());
        assertEquals(100_000, body.getData().size());

        GrpcStatusException over = assertThrows(GrpcStatusException.class,
                () -> builder.append(ByteBuffer.wrap(new byte[1])));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, over.status());
        assertTrue(over.getMessage().contains("100000 bytes") && over.getMessage().contains("Stream"), over.getMessage());

        UnaryMessageBuilder refused = new UnaryMessageBuilder("text/plain", 1_000_000, new LimitedMemory(50_000));
        refused.append(ByteBuffer.wrap(new byte[30_000]));
        GrpcStatusException budget = assertThrows(GrpcStatusException.class,
                () -> refused.append(ByteBuffer.wrap(new byte[30_000])));
        assertEquals(GrpcStatus.RESOURCE_EXHAUSTED, budget.status());
        assertEquals("test budget of 50000 bytes", budget.getMessage());
    }
}
