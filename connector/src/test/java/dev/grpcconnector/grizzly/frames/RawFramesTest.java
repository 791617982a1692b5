package dev.grpcconnector.grizzly.frames;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcconnector.wire.GrpcStatus;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

/** The hand-written frames, decoded by Netty's HTTP/2 code (what grpc-java clients run). */
class RawFramesTest {

    @Test
    void trailersOnlyIsOneHeadersFrameThatNettyDecodes() throws Exception {
        String message = "deadline of 1S exceeded, 100% \u00e9t\u00e9 " + "x".repeat(200);
        byte[] frame = RawFrames.trailersOnly(13, GrpcStatus.DEADLINE_EXCEEDED, message);
        int length = ((frame[0] & 0xff) << 16) | ((frame[1] & 0xff) << 8) | (frame[2] & 0xff);
        assertEquals(frame.length - 9, length);
        assertEquals(0x1, frame[3]);
        assertEquals(0x5, frame[4], "END_STREAM | END_HEADERS");
        assertEquals(13, ((frame[5] & 0x7f) << 24) | ((frame[6] & 0xff) << 16) | ((frame[7] & 0xff) << 8) | (frame[8] & 0xff));

        ByteBuf block = Unpooled.wrappedBuffer(frame, 9, length);
        Http2Headers headers = new DefaultHttp2HeadersDecoder(true).decodeHeaders(13, block);
        assertEquals("200", headers.status().toString());
        assertEquals("application/grpc", headers.get("content-type").toString());
        assertEquals("4", headers.get("grpc-status").toString());
        assertEquals(dev.grpcconnector.wire.GrpcMessageText.percentEncode(message), headers.get("grpc-message").toString());
    }

    @Test
    void rstStreamCarriesTheErrorCode() {
        byte[] frame = RawFrames.rstStream(7, RawFrames.CANCEL);
        assertEquals(13, frame.length);
        assertEquals(4, frame[2]);
        assertEquals(0x3, frame[3]);
        assertEquals(7, frame[8]);
        assertEquals(8, frame[12]);
    }
}
