package dev.grpcconnector.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * The request message encodings the connector accepts ({@code grpc-encoding}):
 * {@code identity} and {@code gzip}, the one every gRPC implementation offers. Responses
 * are never compressed: Envoy's transcoder only reads uncompressed messages (contract
 * fact 18).
 *
 * <p>Decompression is bounded by the message size limit, so a small compressed message
 * cannot expand into an unbounded one.
 */
public final class MessageEncoding {
    /** The value of {@code grpc-accept-encoding} the connector announces. */
    public static final String ACCEPTED = "identity,gzip";

    private MessageEncoding() {
    }

    /**
     * @param grpcEncoding the request's {@code grpc-encoding}, or {@code null}
     * @throws GrpcStatusException {@code UNIMPLEMENTED} for an encoding other than
     *     identity and gzip
     */
    public static void check(String grpcEncoding) throws GrpcStatusException {
        if (grpcEncoding != null && !"identity".equals(grpcEncoding) && !"gzip".equals(grpcEncoding)) {
            throw new GrpcStatusException(GrpcStatus.UNIMPLEMENTED,
                    "grpc-encoding " + grpcEncoding + " is not supported; accepted: " + ACCEPTED);
        }
    }

    /** As {@link #decode(GrpcFrame, String, int, MessageMemory)}, with memory not accounted. */
    public static GrpcFrame decode(GrpcFrame frame, String grpcEncoding, int maxMessageBytes) throws GrpcStatusException {
        return decode(frame, grpcEncoding, maxMessageBytes, MessageMemory.UNCOUNTED);
    }

    /**
     * Returns the frame's message uncompressed. The decompressed bytes are held from
     * {@code memory} while they are produced, and given back when the message is returned
     * (to be handed on at once).
     *
     * @param grpcEncoding the request's {@code grpc-encoding} (already {@linkplain #check checked})
     * @throws GrpcStatusException {@code INTERNAL} for a compressed message without an
     *     encoding or with bytes that are not gzip, {@code RESOURCE_EXHAUSTED} when it
     *     expands beyond {@code maxMessageBytes} or its memory is refused
     */
    public static GrpcFrame decode(GrpcFrame frame, String grpcEncoding, int maxMessageBytes, MessageMemory memory)
            throws GrpcStatusException {
        if (!frame.compressed()) {
            return frame;
        }
        if (!"gzip".equals(grpcEncoding)) {
            throw new GrpcStatusException(GrpcStatus.INTERNAL, "message is compressed but grpc-encoding is "
                    + (grpcEncoding == null ? "not set" : grpcEncoding));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxMessageBytes, Math.max(64, frame.length() * 4)));
        byte[] chunk = new byte[8192];
        long held = 0;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(frame.payload(), frame.offset(), frame.length()))) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                if (out.size() + n > maxMessageBytes) {
                    throw new GrpcStatusException(GrpcStatus.RESOURCE_EXHAUSTED,
                            "decompressed gRPC message exceeds the limit of " + maxMessageBytes + " bytes");
                }
                if (!memory.tryHold(n)) {
                    throw new GrpcStatusException(GrpcStatus.RESOURCE_EXHAUSTED, memory.refusal());
                }
                held += n;
                out.write(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new GrpcStatusException(GrpcStatus.INTERNAL, "message is not valid gzip: " + e.getMessage());
        } finally {
            memory.release(held);
        }
        byte[] plain = out.toByteArray();
        return new GrpcFrame(false, plain, 0, plain.length);
    }
}
