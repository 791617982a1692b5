package dev.grpcconnector.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProtoWireLargeFieldTest {
    @Test
    void tagOfTheLargestFieldNumbers() throws Exception {
        for (int field : new int[] {268435456, 536870911}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.writeTag(field, 2);
            out.flush();
            byte[] expected = bytes.toByteArray();
            byte[] actual = new byte[10];
            int end = ProtoWire.writeVarint(actual, 0, ProtoWire.tag(field, ProtoWire.LEN));
            assertArrayEquals(expected, Arrays.copyOf(actual, end), "tag of field " + field);
            assertEquals(CodedOutputStream.computeTagSize(field) + 1, ProtoWire.lengthDelimitedSize(field, 0));
        }
    }
}
