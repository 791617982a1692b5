package dev.grpcconnector.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A decoded {@code google.api.HttpBody}: the content type and a view of the data bytes
 * inside the received message (no copy). Field 3, {@code extensions}, carries the query
 * parameters Envoy captured; the connector reads the query from
 * {@code x-envoy-original-path} instead (contract fact 8), so it is checked and skipped.
 */
public record HttpBodyMessage(String contentType, byte[] data, int dataOffset, int dataLength) {
    static final int CONTENT_TYPE = 1;
    static final int DATA = 2;
    static final int EXTENSIONS = 3;

    /**
     * Decodes one message.
     *
     * @throws GrpcStatusException {@code INVALID_ARGUMENT} when the bytes are not an
     *     HttpBody: malformed protobuf, a field number HttpBody does not have, a known
     *     field with the wrong wire type, or a content type that is not UTF-8
     */
    public static HttpBodyMessage decode(GrpcFrame frame) throws GrpcStatusException {
        ProtoWire.Reader reader = new ProtoWire.Reader(frame.payload(), frame.offset(), frame.length());
        String contentType = "";
        int dataOffset = frame.offset();
        int dataLength = 0;
        try {
            while (!reader.atEnd()) {
                long tag = reader.readVarint();
                int field = (int) (tag >>> 3);
                int wireType = (int) (tag & 7);
                if (field < CONTENT_TYPE || field > EXTENSIONS || wireType != ProtoWire.LEN) {
                    throw new ProtoWire.MalformedMessageException(
                            "field " + field + " with wire type " + wireType + " is not part of google.api.HttpBody");
                }
                int length = reader.readLength();
                if (field == CONTENT_TYPE) {
                    contentType = utf8(frame.payload(), reader.position(), length);
                } else if (field == DATA) {
                    dataOffset = reader.position();
                    dataLength = length;
                }
                reader.skip(length);
            }
        } catch (ProtoWire.MalformedMessageException e) {
            throw new GrpcStatusException(GrpcStatus.INVALID_ARGUMENT,
                    "request message is not a google.api.HttpBody: " + e.getMessage());
        }
        return new HttpBodyMessage(contentType, frame.payload(), dataOffset, dataLength);
    }

    /**
     * Size of the prefix that comes before the data bytes in an encoded message:
     * the content-type field (left out when empty, as proto3 does) and the tag and length
     * of the data field (left out when there is no data).
     */
    public static int headerSize(byte[] contentTypeUtf8, long dataLength) {
        int size = contentTypeUtf8.length == 0 ? 0 : ProtoWire.lengthDelimitedSize(CONTENT_TYPE, contentTypeUtf8.length);
        if (dataLength > 0) {
            size += ProtoWire.varintSize(ProtoWire.tag(DATA, ProtoWire.LEN)) + ProtoWire.varintSize(dataLength);
        }
        return size;
    }

    /**
     * Writes the gRPC frame prefix and the HttpBody fields that precede the data bytes, so
     * that the data can follow as it is, without a copy. The result plus
     * {@code dataLength} data bytes is one complete gRPC message, byte for byte what
     * protobuf-java writes for the same HttpBody.
     */
    public static byte[] frameHeader(byte[] contentTypeUtf8, int dataLength) {
        int messageHeader = headerSize(contentTypeUtf8, dataLength);
        byte[] out = new byte[GrpcFrame.PREFIX_BYTES + messageHeader];
        GrpcFrame.writePrefix(out, 0, messageHeader + dataLength);
        int at = GrpcFrame.PREFIX_BYTES;
        if (contentTypeUtf8.length > 0) {
            at = ProtoWire.writeVarint(out, at, ProtoWire.tag(CONTENT_TYPE, ProtoWire.LEN));
            at = ProtoWire.writeVarint(out, at, contentTypeUtf8.length);
            System.arraycopy(contentTypeUtf8, 0, out, at, contentTypeUtf8.length);
            at += contentTypeUtf8.length;
        }
        if (dataLength > 0) {
            at = ProtoWire.writeVarint(out, at, ProtoWire.tag(DATA, ProtoWire.LEN));
            ProtoWire.writeVarint(out, at, dataLength);
        }
        return out;
    }

    static String utf8(byte[] bytes, int offset, int length) throws ProtoWire.MalformedMessageException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtoWire.MalformedMessageException("content_type is not valid UTF-8");
        }
    }
}
