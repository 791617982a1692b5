package dev.grpcconnector.services.app;

import dev.grpcconnector.services.api.Metadata;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Between the connector's wire-form metadata (strings; {@code -bin} values in base64) and
 * grpc-java's {@link io.grpc.Metadata}, as grpc-java's own transports convert headers.
 */
final class MetadataConversion {
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private MetadataConversion() {
    }

    static io.grpc.Metadata toGrpc(Metadata metadata) {
        io.grpc.Metadata result = new io.grpc.Metadata();
        for (Metadata.Entry entry : metadata.entries()) {
            String name = entry.name();
            if (name.endsWith(io.grpc.Metadata.BINARY_HEADER_SUFFIX)) {
                // Decoded as grpc-java's transports do: padded or not, several values joined by commas.
                for (String value : entry.value().split(",")) {
                    result.put(io.grpc.Metadata.Key.of(name, io.grpc.Metadata.BINARY_BYTE_MARSHALLER),
                            Base64.getDecoder().decode(pad(value.trim())));
                }
            } else {
                result.put(io.grpc.Metadata.Key.of(name, io.grpc.Metadata.ASCII_STRING_MARSHALLER), entry.value());
            }
        }
        return result;
    }

    static Metadata fromGrpc(io.grpc.Metadata metadata) {
        List<Metadata.Entry> entries = new ArrayList<>();
        for (String name : metadata.keys()) {
            if (name.endsWith(io.grpc.Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] value : metadata.getAll(io.grpc.Metadata.Key.of(name, io.grpc.Metadata.BINARY_BYTE_MARSHALLER))) {
                    entries.add(new Metadata.Entry(name, BASE64.encodeToString(value)));
                }
            } else {
                for (String value : metadata.getAll(io.grpc.Metadata.Key.of(name, io.grpc.Metadata.ASCII_STRING_MARSHALLER))) {
                    entries.add(new Metadata.Entry(name, value));
                }
            }
        }
        return new Metadata(entries);
    }

    private static String pad(String base64) {
        return switch (base64.length() % 4) {
            case 2 -> base64 + "==";
            case 3 -> base64 + "=";
            default -> base64;
        };
    }
}
