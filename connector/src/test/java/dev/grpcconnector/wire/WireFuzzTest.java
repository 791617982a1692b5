package dev.grpcconnector.wire;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.api.HttpBody;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Coverage-guided fuzzing (Jazzer, libFuzzer) of everything the connector decodes from a
 * caller's bytes before an application sees them: the gRPC frame decoder, gzip
 * decompression and the HttpBody decoder, chained as {@code HttpBodyCall} chains them,
 * every result checked against grpc-java and protobuf-java ({@link WireReference}).
 *
 * <p>Each input must also end without a crash (any exception other than the decoders'
 * {@code GrpcStatusException} is a finding), within libFuzzer's per-input timeout, and
 * within bounded allocation: the bytes the decoding thread allocates
 * ({@code com.sun.management.ThreadMXBean}) stay below a bound made of the input's size and
 * the message size limit, never of a length the input announces.
 *
 * <p>Without {@code JAZZER_FUZZ} (every {@code mvn verify}) each target runs the committed
 * corpus in {@code src/test/resources/dev/grpcconnector/wire/WireFuzzTestInputs/} once, as
 * regression tests; the {@code wire-fuzz-*} executions of the connector's pom fuzz each
 * target for 20,000 inputs (seconds). A long run (10 minutes each, the limit set here):
 * docs/fuzzing.md.
 */
class WireFuzzTest {
    /** Message size limits the fuzzer picks from: small, so that the limit is often hit. */
    private static final int MAX_LIMIT = 1 << 17;

    /**
     * Raw bytes as a request body: a message size limit, a grpc-encoding, the chunk sizes
     * DATA frames cut it into, then the body itself.
     */
    @FuzzTest(maxDuration = "10m")
    void requestBody(FuzzedDataProvider data) {
        int limit = data.consumeInt(0, MAX_LIMIT);
        String encoding = data.pickValue(new String[] {"gzip", "identity", null, "br"});
        int[] cuts = cuts(data, data.consumeInt(0, 8));
        byte[] body = data.consumeRemainingAsBytes();
        check(chunk(body, cuts), encoding, limit, "requestBody");
    }

    /**
     * A well-formed request, then spoilt: HttpBody messages built with protobuf-java
     * (content type, data, extensions, fields HttpBody does not have, repeated fields),
     * each framed compressed (real gzip) or not, then a few bytes overwritten, cut off or
     * added, so the fuzzer starts next to valid input in every decoder, gzip included.
     */
    @FuzzTest(maxDuration = "10m")
    void structuredRequest(FuzzedDataProvider data) {
        int limit = data.consumeInt(0, MAX_LIMIT);
        boolean gzip = data.consumeBoolean();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int count = data.consumeInt(0, 4);
        for (int i = 0; i < count; i++) {
            byte[] message = httpBody(data);
            boolean compress = gzip && data.consumeBoolean();
            byte[] payload = compress ? gzip(message, data.consumeBoolean()) : message;
            body.writeBytes(prefix(compress, payload.length));
            body.writeBytes(payload);
        }
        byte[] bytes = body.toByteArray();
        int mutations = data.consumeInt(0, 3);
        for (int i = 0; i < mutations && bytes.length > 0; i++) {
            bytes = mutate(bytes, data);
        }
        int[] cuts = cuts(data, data.consumeInt(0, 6));
        check(chunk(bytes, cuts), gzip ? "gzip" : null, limit, "structuredRequest");
    }

    private static void check(List<byte[]> chunks, String encoding, int limit, String what) {
        WireReference.Outcome[] ours = new WireReference.Outcome[1];
        long allocated = ThreadAllocation.of(() -> ours[0] = WireReference.connector(chunks, encoding, limit));
        long input = WireReference.concat(chunks).length;
        // Per message: the payload (grown by doubling), and for gzip the output buffer
        // (grown by doubling, capped at the limit) and its copy; plus the input's own
        // copies and a constant.
        long bound = (1 << 20) + 16 * input + (ours[0].messages().size() + 1) * 8L * (limit + 8192);
        if (allocated > bound) {
            // Perhaps the first run of a code path, loading classes: measure again.
            allocated = ThreadAllocation.steadyState(() -> WireReference.connector(chunks, encoding, limit));
        }
        if (allocated > bound) {
            throw new AssertionError(what + ": decoding " + input + " bytes with a limit of " + limit + " allocated "
                    + allocated + " bytes, more than " + bound);
        }
        WireReference.assertAgree(chunks, encoding, limit, what);
    }

    private static byte[] httpBody(FuzzedDataProvider data) {
        HttpBody.Builder body = HttpBody.newBuilder();
        if (data.consumeBoolean()) {
            body.setContentType(data.consumeString(40));
        }
        if (data.consumeBoolean()) {
            // Repeated, so that a small input makes a message larger than the frame
            // decoder's first buffer (8 KiB) and its growth is fuzzed too.
            byte[] piece = data.consumeBytes(data.consumeInt(0, 3000));
            int times = data.consumeInt(1, 24);
            ByteArrayOutputStream repeated = new ByteArrayOutputStream(piece.length * times);
            for (int i = 0; i < times; i++) {
                repeated.writeBytes(piece);
            }
            body.setData(ByteString.copyFrom(repeated.toByteArray()));
        }
        if (data.consumeBoolean()) {
            body.addExtensions(Any.newBuilder().setTypeUrl(data.consumeString(30))
                    .setValue(ByteString.copyFrom(data.consumeBytes(20))));
        }
        if (data.consumeInt(0, 7) == 0) {
            // A field HttpBody does not have, or one of its own with another wire type.
            int field = data.consumeInt(1, 20);
            body.setUnknownFields(UnknownFieldSet.newBuilder()
                    .addField(field, UnknownFieldSet.Field.newBuilder().addVarint(data.consumeLong()).build()).build());
        }
        byte[] message = body.build().toByteArray();
        if (data.consumeInt(0, 7) == 0) {
            // Fields repeated (the last one wins) and out of order: concatenated messages.
            byte[] more = HttpBody.newBuilder().setContentType(data.consumeString(10)).build().toByteArray();
            byte[] both = new byte[message.length + more.length];
            System.arraycopy(more, 0, both, 0, more.length);
            System.arraycopy(message, 0, both, more.length, message.length);
            message = both;
        }
        return message;
    }

    /** gzip as grpc-java's codec writes it, or with a second member (both must be read). */
    private static byte[] gzip(byte[] plain, boolean twoMembers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int half = twoMembers ? plain.length / 2 : plain.length;
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(plain, 0, half);
            }
            if (twoMembers) {
                try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                    gzip.write(plain, half, plain.length - half);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] prefix(boolean compressed, int length) {
        byte[] prefix = new byte[GrpcFrame.PREFIX_BYTES];
        GrpcFrame.writePrefix(prefix, 0, length);
        prefix[0] = (byte) (compressed ? 1 : 0);
        return prefix;
    }

    private static byte[] mutate(byte[] bytes, FuzzedDataProvider data) {
        int at = data.consumeInt(0, bytes.length - 1);
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                byte[] copy = bytes.clone();
                copy[at] = data.consumeByte();
                return copy;
            }
            case 1 -> {
                byte[] cut = new byte[at];
                System.arraycopy(bytes, 0, cut, 0, at);
                return cut;
            }
            default -> {
                byte[] extra = data.consumeBytes(8);
                byte[] grown = new byte[bytes.length + extra.length];
                System.arraycopy(bytes, 0, grown, 0, at);
                System.arraycopy(extra, 0, grown, at, extra.length);
                System.arraycopy(bytes, at, grown, at + extra.length, bytes.length - at);
                return grown;
            }
        }
    }

    private static int[] cuts(FuzzedDataProvider data, int count) {
        int[] cuts = new int[count];
        for (int i = 0; i < count; i++) {
            cuts[i] = data.consumeInt(0, 4096);
        }
        return cuts;
    }

    /** Cuts {@code body} into chunks of the given sizes (the rest is the last chunk). */
    private static List<byte[]> chunk(byte[] body, int[] sizes) {
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        for (int size : sizes) {
            int n = Math.min(size, body.length - at);
            byte[] chunk = new byte[n];
            System.arraycopy(body, at, chunk, 0, n);
            chunks.add(chunk);
            at += n;
        }
        byte[] rest = new byte[body.length - at];
        System.arraycopy(body, at, rest, 0, rest.length);
        chunks.add(rest);
        return chunks;
    }
}
