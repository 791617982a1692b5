package dev.grpcconnector.edge;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The decisions that depend on whether the call's end was already known when the first
 * message came, which an end-to-end test cannot force: the edge writes the first message
 * as soon as it can.
 */
class ResponseHeadTest {

    static final HttpBody HTML = HttpBody.newBuilder().setContentType("text/html")
            .setData(ByteString.copyFromUtf8("<p>x</p>")).build();

    @Test
    void r4HttpBodyThenNotFoundKnownTogetherIsA404WithThatBody() {
        ResponseHead head = ResponseHead.atFirstMessage(new Metadata(), HTML, Status.NOT_FOUND.withDescription("gone 100%"));

        assertEquals(404, head.status());
        assertArrayEquals("<p>x</p>".getBytes(StandardCharsets.UTF_8), head.wholeBody());
        assertEquals(List.of(Map.entry("Content-Type", "text/html"), Map.entry("grpc-status", "5"),
                Map.entry("grpc-message", "gone 100%25")), head.headers());
    }

    @Test
    void r2OneMessageThenOkKnownTogetherHasItsLength() {
        ResponseHead head = ResponseHead.atFirstMessage(EdgeContractTest.metadata("x-http-code", "201"), HTML, Status.OK);

        assertEquals(201, head.status());
        assertArrayEquals("<p>x</p>".getBytes(StandardCharsets.UTF_8), head.wholeBody());
    }

    @Test
    void firstMessageWithTheEndUnknownStreams() {
        ResponseHead head = ResponseHead.atFirstMessage(EdgeContractTest.metadata("x-http-code", "302", "location", "/n"),
                HTML, null);

        assertEquals(302, head.status());
        assertNull(head.wholeBody());
        assertEquals(List.of(Map.entry("location", "/n"), Map.entry("Content-Type", "text/html")), head.headers());
    }

    @Test
    void customStatusNeverOverridesAMappedError() {
        Metadata trailers = EdgeContractTest.metadata("x-http-code", "200", "x-app", "1");
        trailers.put(RequestMetadata.ascii("grpc-status"), "7");
        ResponseHead head = ResponseHead.atEndWithoutMessage(null, Status.PERMISSION_DENIED, trailers);

        assertEquals(403, head.status());
        assertEquals(List.of(Map.entry("x-app", "1"), Map.entry("Content-Type", "application/json")), head.headers(),
                "a trailers-only block is the header block, without the status entries and x-http-code");
    }

    @Test
    void binaryMetadataKeepsItsWireForm() {
        Metadata initial = new Metadata();
        initial.put(Metadata.Key.of("x-b-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {1, 2, 3, 4});
        ResponseHead head = ResponseHead.atFirstMessage(initial, HTML, null);

        assertEquals(Map.entry("x-b-bin", "AQIDBA"), head.headers().get(0));
    }
}
