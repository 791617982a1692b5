package dev.grpcconnector.wire;

import io.grpc.Codec;
import io.grpc.Decompressor;
import io.grpc.internal.MessageDeframer;
import io.grpc.internal.MessageFramer;
import io.grpc.internal.ReadableBuffers;
import io.grpc.internal.StatsTraceContext;
import io.grpc.internal.StreamListener;
import io.grpc.internal.TransportTracer;
import io.grpc.internal.WritableBuffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * grpc-java's own message framer and deframer (the code every grpc-java client and
 * server runs on top of HTTP/2), used as the reference for the connector's framing.
 */
public final class GrpcJavaReference {
    private GrpcJavaReference() {
    }

    /** The bytes grpc-java sends for these messages, one length-prefixed frame each. */
    public static byte[] frame(List<byte[]> messages, boolean gzip) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MessageFramer framer = new MessageFramer((frame, endOfStream, flush, count) -> {
            if (frame != null) {
                ArrayWritableBuffer buffer = (ArrayWritableBuffer) frame;
                out.write(buffer.data, 0, buffer.size);
            }
        }, ArrayWritableBuffer::new, StatsTraceContext.NOOP);
        if (gzip) {
            framer.setCompressor(new Codec.Gzip());
            framer.setMessageCompression(true);
        }
        for (byte[] message : messages) {
            framer.writePayload(new ByteArrayInputStream(message));
            // As ClientCall/ServerCall.sendMessage do: the framer's compressed path relies on it.
            framer.flush();
        }
        framer.close();
        return out.toByteArray();
    }

    /**
     * The messages grpc-java reads from {@code stream}.
     *
     * @throws Throwable what grpc-java's deframer reports (a {@code StatusRuntimeException}
     *     for a malformed or oversized frame)
     */
    public static List<byte[]> deframe(byte[] stream, int maxMessageBytes, boolean gzip) throws Throwable {
        List<byte[]> messages = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        boolean[] partial = new boolean[1];
        Decompressor decompressor = gzip ? new Codec.Gzip() : Codec.Identity.NONE;
        MessageDeframer deframer = new MessageDeframer(new MessageDeframer.Listener() {
            @Override
            public void bytesRead(int numBytes) {
            }

            @Override
            public void messagesAvailable(StreamListener.MessageProducer producer) {
                InputStream in;
                while ((in = producer.next()) != null) {
                    try (InputStream message = in) {
                        messages.add(message.readAllBytes());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }

            @Override
            public void deframerClosed(boolean hasPartialMessage) {
                partial[0] = hasPartialMessage;
            }

            @Override
            public void deframeFailed(Throwable cause) {
                failure[0] = cause;
            }
        }, decompressor, maxMessageBytes, StatsTraceContext.NOOP, new TransportTracer());
        deframer.request(Integer.MAX_VALUE);
        deframer.deframe(ReadableBuffers.wrap(stream));
        deframer.closeWhenComplete();
        if (failure[0] != null) {
            throw failure[0];
        }
        if (partial[0]) {
            throw new IllegalStateException("grpc-java: stream ends inside a message");
        }
        return messages;
    }

    private static final class ArrayWritableBuffer implements WritableBuffer {
        final byte[] data;
        int size;

        ArrayWritableBuffer(int capacity) {
            data = new byte[capacity];
        }

        @Override
        public void write(byte[] src, int srcIndex, int length) {
            System.arraycopy(src, srcIndex, data, size, length);
            size += length;
        }

        @Override
        public void write(byte b) {
            data[size++] = b;
        }

        @Override
        public int writableBytes() {
            return data.length - size;
        }

        @Override
        public int readableBytes() {
            return size;
        }

        @Override
        public void release() {
        }
    }
}
