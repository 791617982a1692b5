package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** {@link ProtoWire} against protobuf-java's CodedOutputStream / CodedInputStream. */
class ProtoWireTest {

    private static long[] interestingValues() {
        Random random = new Random(11);
        LongStream.Builder values = LongStream.builder();
        for (int bits = 0; bits < 64; bits++) {
            long power = 1L << bits;
            values.add(power - 1).add(power).add(power + 1);
        }
        values.add(Long.MAX_VALUE).add(Long.MIN_VALUE).add(-1).add(Integer.MAX_VALUE).add(Integer.MIN_VALUE);
        for (int i = 0; i < 2000; i++) {
            values.add(random.nextLong() >>> random.nextInt(64));
        }
        return values.build().toArray();
    }

    private static byte[] protobufVarint(long value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64NoTag(value);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void varintSizeAndEncodingMatchProtobuf() throws IOException {
        for (long value : interestingValues()) {
            byte[] expected = protobufVarint(value);
            assertEquals(CodedOutputStream.computeUInt64SizeNoTag(value), ProtoWire.varintSize(value), "size of " + value);
            byte[] target = new byte[expected.length + 2];
            int end = ProtoWire.writeVarint(target, 1, value);
            assertEquals(1 + expected.length, end, "end position for " + value);
            assertArrayEquals(expected, Arrays.copyOfRange(target, 1, end), "encoding of " + value);
        }
    }

    @Test
    void readVarintMatchesProtobuf() throws Exception {
        for (long value : interestingValues()) {
            byte[] encoded = protobufVarint(value);
            byte[] padded = new byte[encoded.length + 4];
            System.arraycopy(encoded, 0, padded, 2, encoded.length);
            ProtoWire.Reader reader = new ProtoWire.Reader(padded, 2, encoded.length);
            assertEquals(CodedInputStream.newInstance(encoded).readRawVarint64(), reader.readVarint());
            assertEquals(value, new ProtoWire.Reader(encoded, 0, encoded.length).readVarint());
            assertTrue(reader.atEnd());
            assertEquals(2 + encoded.length, reader.position());
        }
    }

    @Test
    void readVarintStopsAtTheLimitNotTheArrayEnd() {
        // The continuation bit points past the reader's limit, into bytes that belong to someone else.
        byte[] bytes = {(byte) 0x80, 0x01};
        assertThrows(ProtoWire.MalformedMessageException.class, () -> new ProtoWire.Reader(bytes, 0, 1).readVarint());
    }

    @Test
    void nonCanonicalVarintsReadLikeProtobuf() throws Exception {
        byte[] paddedOne = {(byte) 0x81, (byte) 0x80, (byte) 0x80, 0x00};
        assertEquals(CodedInputStream.newInstance(paddedOne).readRawVarint64(),
                new ProtoWire.Reader(paddedOne, 0, paddedOne.length).readVarint());
        byte[] eleven = new byte[11];
        Arrays.fill(eleven, (byte) 0x80);
        assertThrows(ProtoWire.MalformedMessageException.class, () -> new ProtoWire.Reader(eleven, 0, 11).readVarint());
        assertThrows(IOException.class, () -> CodedInputStream.newInstance(eleven).readRawVarint64());
    }

    @Test
    void tagsAndFieldSizesMatchProtobuf() {
        // Fields from 2^28 on: ProtoWireLargeFieldTest.
        for (int field : new int[] {1, 2, 3, 15, 16, 2047, 2048, 262143, 262144, 268435455}) {
            for (int wireType : new int[] {ProtoWire.VARINT, ProtoWire.I64, ProtoWire.LEN, ProtoWire.I32}) {
                int tag = (int) ProtoWire.tag(field, wireType);
                assertEquals(field, WireFormat.getTagFieldNumber(tag));
                assertEquals(wireType, WireFormat.getTagWireType(tag));
            }
            for (int length : new int[] {0, 1, 127, 128, 16384, 1 << 21, 1 << 28}) {
                int expected = CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
                assertEquals(expected, ProtoWire.lengthDelimitedSize(field, length));
            }
        }
        assertEquals(WireFormat.WIRETYPE_VARINT, ProtoWire.VARINT);
        assertEquals(WireFormat.WIRETYPE_FIXED64, ProtoWire.I64);
        assertEquals(WireFormat.WIRETYPE_LENGTH_DELIMITED, ProtoWire.LEN);
        assertEquals(WireFormat.WIRETYPE_FIXED32, ProtoWire.I32);
    }

    @Test
    void skipValueSkipsWhatProtobufWrote() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(1, Long.MIN_VALUE);
        out.writeFixed64(2, 0x0102030405060708L);
        out.writeString(3, "skip me");
        out.writeFixed32(4, 7);
        out.writeInt32(5, -1);
        out.writeBytes(6, com.google.protobuf.ByteString.copyFrom(new byte[300]));
        out.flush();
        byte[] encoded = bytes.toByteArray();
        ProtoWire.Reader reader = new ProtoWire.Reader(encoded, 0, encoded.length);
        int fields = 0;
        while (!reader.atEnd()) {
            long tag = reader.readVarint();
            fields++;
            assertEquals(fields, (int) (tag >>> 3));
            reader.skipValue((int) (tag & 7));
        }
        assertEquals(6, fields);
        assertEquals(encoded.length, reader.position());
    }

    @Test
    void skipValueRefusesTruncatedAndUnknownWireTypes() {
        assertThrows(ProtoWire.MalformedMessageException.class, () -> new ProtoWire.Reader(new byte[7], 0, 7).skipValue(ProtoWire.I64));
        assertThrows(ProtoWire.MalformedMessageException.class, () -> new ProtoWire.Reader(new byte[3], 0, 3).skipValue(ProtoWire.I32));
        assertThrows(ProtoWire.MalformedMessageException.class,
                () -> new ProtoWire.Reader(new byte[] {5, 0, 0}, 0, 3).skipValue(ProtoWire.LEN));
        for (int wireType : new int[] {3, 4, 6, 7}) {
            assertThrows(ProtoWire.MalformedMessageException.class,
                    () -> new ProtoWire.Reader(new byte[8], 0, 8).skipValue(wireType));
        }
    }

    @Test
    void readLengthChecksTheRemainingBytes() throws Exception {
        byte[] bytes = {3, 'a', 'b', 'c', 9};
        ProtoWire.Reader exact = new ProtoWire.Reader(bytes, 0, 4);
        assertEquals(3, exact.readLength());
        // One byte short of the field, although the array has more: the limit counts.
        assertThrows(ProtoWire.MalformedMessageException.class, () -> new ProtoWire.Reader(bytes, 0, 3).readLength());
    }
}
