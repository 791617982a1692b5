package dev.grpcconnector.services.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcconnector.services.api.Metadata;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataConversionTest {
    static final io.grpc.Metadata.Key<byte[]> BIN = io.grpc.Metadata.Key.of("x-data-bin",
            io.grpc.Metadata.BINARY_BYTE_MARSHALLER);
    static final io.grpc.Metadata.Key<String> TEXT = io.grpc.Metadata.Key.of("x-text",
            io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    @Test
    void binaryValuesAreBase64OnTheWireAndBytesInGrpcJava() {
        io.grpc.Metadata grpc = MetadataConversion.toGrpc(new Metadata(List.of(
                new Metadata.Entry("x-data-bin", "AAH/"),
                new Metadata.Entry("x-data-bin", "AQ"),        // unpadded, as grpc-java sends it
                new Metadata.Entry("x-text", "a"),
                new Metadata.Entry("x-text", "b"))));
        List<byte[]> values = new ArrayList<>();
        grpc.getAll(BIN).forEach(values::add);
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, values.get(0));
        assertArrayEquals(new byte[] {1}, values.get(1));
        assertEquals(List.of("a", "b"), toList(grpc.getAll(TEXT)));

        Metadata back = MetadataConversion.fromGrpc(grpc);
        assertEquals(List.of(new Metadata.Entry("x-data-bin", "AAH/"), new Metadata.Entry("x-data-bin", "AQ"),
                new Metadata.Entry("x-text", "a"), new Metadata.Entry("x-text", "b")), back.entries());
    }

    private static List<String> toList(Iterable<String> values) {
        List<String> list = new ArrayList<>();
        values.forEach(list::add);
        return list;
    }
}
