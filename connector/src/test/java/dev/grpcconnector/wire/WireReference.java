package dev.grpcconnector.wire;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A request body decoded twice: by the connector's {@code wire} classes, chained as
 * {@code HttpBodyCall} chains them (frame decoder fed in chunks, then gzip, then HttpBody),
 * and by the reference implementations (grpc-java's deframer with its gzip codec,
 * protobuf-java's wire-format parser). {@link #assertAgree} states what "the same" means,
 * including the differences that are the connector's deliberate strictness.
 */
final class WireReference {

    /** What decoding a request body produced: the messages, or the status it failed with. */
    record Outcome(List<byte[]> messages, GrpcStatus failure) {
        boolean failed() {
            return failure != null;
        }
    }

    /** An HttpBody as the connector or the reference read it; null fields for "rejected". */
    record Body(String contentType, byte[] data) {
    }

    private WireReference() {
    }

    /**
     * The connector's decoding of a body that arrives in {@code chunks}, each handed over as
     * a buffer inside a larger array (so offsets must be honoured).
     */
    static Outcome connector(List<byte[]> chunks, String encoding, int limit) {
        GrpcFrameDecoder decoder = new GrpcFrameDecoder(limit);
        List<byte[]> messages = new ArrayList<>();
        try {
            MessageEncoding.check(encoding);
            for (byte[] chunk : chunks) {
                byte[] padded = new byte[chunk.length + 7];
                System.arraycopy(chunk, 0, padded, 3, chunk.length);
                for (GrpcFrame frame : decoder.decode(ByteBuffer.wrap(padded, 3, chunk.length))) {
                    GrpcFrame plain = MessageEncoding.decode(frame, encoding, limit);
                    messages.add(Arrays.copyOfRange(plain.payload(), plain.offset(), plain.offset() + plain.length()));
                }
            }
            if (decoder.isInsideMessage()) {
                return new Outcome(messages, GrpcStatus.INTERNAL);
            }
        } catch (GrpcStatusException e) {
            return new Outcome(messages, e.status());
        }
        return new Outcome(messages, null);
    }

    /** grpc-java's decoding of the same body (one buffer: its deframer is chunk-agnostic). */
    static Outcome grpcJava(byte[] body, String encoding, int limit) {
        if (encoding != null && !"identity".equals(encoding) && !"gzip".equals(encoding)) {
            return new Outcome(List.of(), GrpcStatus.UNIMPLEMENTED);
        }
        try {
            List<byte[]> messages = GrpcJavaReference.deframe(body, limit, "gzip".equals(encoding));
            if (endsRightAfterAPrefix(body)) {
                // grpc-java's MessageDeframer.close() counts a partial message only when
                // bytes of its payload arrived ("nextFrame.readableBytes() > 0"), so a body
                // that ends right after a complete prefix announcing N > 0 bytes is a clean
                // end for it (found by this fuzzer). It is a truncated message, "Encountered
                // end-of-stream mid-frame" in grpc-java's own words: the connector refuses it.
                return new Outcome(messages, GrpcStatus.INTERNAL);
            }
            return new Outcome(messages, null);
        } catch (Throwable t) {
            Status status = t instanceof StatusRuntimeException s ? s.getStatus()
                    : t instanceof StatusException s ? s.getStatus() : Status.INTERNAL;
            // A gzip stream that fails to inflate surfaces as an IOException when the
            // message is read; grpc-java's server then fails the call with INTERNAL.
            return new Outcome(List.of(), GrpcStatus.valueOf(status.getCode().name()));
        }
    }

    /**
     * The statuses that may swap when a body has two faults: the connector cuts a whole
     * DATA chunk into frames before it decompresses any, so an oversized or malformed
     * prefix later in the chunk (RESOURCE_EXHAUSTED, INTERNAL) is reported before an
     * earlier message's bad gzip or size (INTERNAL, RESOURCE_EXHAUSTED), where grpc-java
     * reports the earlier one (found by this fuzzer). Either way the call fails.
     */
    private static final java.util.Set<GrpcStatus> LATER_FAULT_FIRST = java.util.Set.of(GrpcStatus.INTERNAL,
            GrpcStatus.RESOURCE_EXHAUSTED);

    /** How many message prefixes the body starts (the last one possibly incomplete). */
    private static int framesStarted(byte[] body) {
        int count = 0;
        long at = 0;
        while (at < body.length) {
            count++;
            if (at + GrpcFrame.PREFIX_BYTES > body.length) {
                break;
            }
            at += GrpcFrame.PREFIX_BYTES + announced(body, (int) at);
        }
        return count;
    }

    private static long announced(byte[] body, int prefix) {
        return ((body[prefix + 1] & 0xffL) << 24) | ((body[prefix + 2] & 0xff) << 16) | ((body[prefix + 3] & 0xff) << 8)
                | (body[prefix + 4] & 0xff);
    }

    /** True when the last message's prefix is complete, announces data, and nothing follows it. */
    private static boolean endsRightAfterAPrefix(byte[] body) {
        long at = 0;
        while (at + GrpcFrame.PREFIX_BYTES <= body.length) {
            long length = announced(body, (int) at);
            if (at + GrpcFrame.PREFIX_BYTES == body.length) {
                return length > 0;
            }
            at += GrpcFrame.PREFIX_BYTES + length;
        }
        return false;
    }

    /** The connector's HttpBody decoding; null when it rejects the message. */
    static Body connectorBody(byte[] message) {
        try {
            HttpBodyMessage m = HttpBodyMessage.decode(new GrpcFrame(false, message, 0, message.length));
            return new Body(m.contentType(), Arrays.copyOfRange(m.data(), m.dataOffset(), m.dataOffset() + m.dataLength()));
        } catch (GrpcStatusException e) {
            if (e.status() != GrpcStatus.INVALID_ARGUMENT) {
                throw new AssertionError("HttpBody rejected with " + e.status() + ", expected INVALID_ARGUMENT", e);
            }
            return null;
        }
    }

    /**
     * What protobuf-java reads from {@code message} under the connector's rule: a message
     * that is well-formed protobuf (protobuf-java's own parser of the wire format, which
     * reads any field) with only HttpBody's three fields, each length-delimited, and a
     * UTF-8 {@code content_type}; the last occurrence of a field wins. Null when that rule
     * rejects it. Fields HttpBody does not have are refused by the connector (an unknown
     * field means the caller is not sending HttpBody), where protobuf-java would keep them.
     */
    static Body referenceBody(byte[] message) {
        UnknownFieldSet fields;
        try {
            fields = UnknownFieldSet.parseFrom(message);
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
        for (Map.Entry<Integer, UnknownFieldSet.Field> field : fields.asMap().entrySet()) {
            UnknownFieldSet.Field f = field.getValue();
            boolean onlyLengthDelimited = f.getVarintList().isEmpty() && f.getFixed32List().isEmpty()
                    && f.getFixed64List().isEmpty() && f.getGroupList().isEmpty();
            if (field.getKey() < HttpBodyMessage.CONTENT_TYPE || field.getKey() > HttpBodyMessage.EXTENSIONS
                    || !onlyLengthDelimited) {
                return null;
            }
        }
        List<ByteString> types = fields.hasField(HttpBodyMessage.CONTENT_TYPE)
                ? fields.getField(HttpBodyMessage.CONTENT_TYPE).getLengthDelimitedList() : List.of();
        for (ByteString type : types) {
            if (!type.isValidUtf8()) {
                return null;
            }
        }
        List<ByteString> data = fields.hasField(HttpBodyMessage.DATA)
                ? fields.getField(HttpBodyMessage.DATA).getLengthDelimitedList() : List.of();
        return new Body(types.isEmpty() ? "" : types.get(types.size() - 1).toStringUtf8(),
                data.isEmpty() ? new byte[0] : data.get(data.size() - 1).toByteArray());
    }

    /**
     * Asserts that the connector and the references agree on {@code body}:
     * <ul>
     *   <li>framing and gzip: the same messages, or both fail with the same status;</li>
     *   <li>every message: the connector's HttpBody is protobuf-java's under the rule of
     *       {@link #referenceBody}, and generated {@code HttpBody.parseFrom} reads the same
     *       type and data whenever it accepts the message. A message the rule accepts is
     *       accepted by the connector whenever its encoding is canonical (what protobuf-java
     *       writes back from it): protobuf-java reads a length or tag varint with bits
     *       beyond 32 by dropping them, the connector refuses such a value.</li>
     * </ul>
     */
    static void assertAgree(List<byte[]> chunks, String encoding, int limit, String what) {
        byte[] body = concat(chunks);
        Outcome ours = connector(chunks, encoding, limit);
        Outcome theirs = grpcJava(body, encoding, limit);
        if (ours.failed() || theirs.failed()) {
            if (ours.failure() != theirs.failure() && !(ours.failed() && theirs.failed() && framesStarted(body) > 1
                    && LATER_FAULT_FIRST.contains(ours.failure()) && LATER_FAULT_FIRST.contains(theirs.failure()))) {
                throw new AssertionError(what + ": connector " + describe(ours) + ", grpc-java " + describe(theirs)
                        + ", limit " + limit + ", encoding " + encoding + ", body " + hex(body));
            }
            return;
        }
        if (ours.messages().size() != theirs.messages().size()) {
            throw new AssertionError(what + ": connector read " + ours.messages().size() + " messages, grpc-java "
                    + theirs.messages().size() + ", body " + hex(body));
        }
        for (int i = 0; i < ours.messages().size(); i++) {
            byte[] message = ours.messages().get(i);
            if (!Arrays.equals(message, theirs.messages().get(i))) {
                throw new AssertionError(what + ": message " + i + " differs: connector " + hex(message)
                        + ", grpc-java " + hex(theirs.messages().get(i)));
            }
            assertBodyAgrees(message, what + ", message " + i);
        }
    }

    static void assertBodyAgrees(byte[] message, String what) {
        Body ours = connectorBody(message);
        Body rule = referenceBody(message);
        if (ours != null) {
            if (rule == null || !rule.contentType().equals(ours.contentType()) || !Arrays.equals(rule.data(), ours.data())) {
                throw new AssertionError(what + ": connector read " + show(ours) + ", protobuf-java " + show(rule)
                        + " from " + hex(message));
            }
            try {
                HttpBody generated = HttpBody.parseFrom(message);
                if (!generated.getContentType().equals(ours.contentType())
                        || !Arrays.equals(generated.getData().toByteArray(), ours.data())) {
                    throw new AssertionError(what + ": connector read " + show(ours) + ", HttpBody.parseFrom "
                            + generated + " from " + hex(message));
                }
            } catch (InvalidProtocolBufferException e) {
                // Only in extensions, which the connector skips: the rule above has accepted
                // the content type and data, so what protobuf-java refused is inside an Any.
                return;
            }
        } else if (rule != null && isCanonical(message)) {
            throw new AssertionError(what + ": connector rejected what protobuf-java reads as " + show(rule)
                    + " from " + hex(message));
        }
    }

    private static boolean isCanonical(byte[] message) {
        try {
            return Arrays.equals(UnknownFieldSet.parseFrom(message).toByteArray(), message);
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    static byte[] concat(List<byte[]> chunks) {
        int size = chunks.stream().mapToInt(c -> c.length).sum();
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, out, at, chunk.length);
            at += chunk.length;
        }
        return out;
    }

    private static String describe(Outcome outcome) {
        return outcome.failed() ? "failed " + outcome.failure() : "read " + outcome.messages().size() + " messages";
    }

    private static String show(Body body) {
        return body == null ? "nothing (rejected)" : "{content_type=" + body.contentType() + ", data=" + hex(body.data()) + "}";
    }

    static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 256); i++) {
            b.append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length > 256 ? b + "... (" + bytes.length + " bytes)" : b.toString();
    }
}
