package dev.grpcconnector.services.api;

import java.util.List;
import java.util.Objects;

/**
 * gRPC metadata as it travels in HTTP/2 headers: lower-case names, in order, a name may
 * repeat. Values of names ending in {@code -bin} are base64 (as on the wire); all other
 * values are printable ASCII. Reserved entries (pseudo-headers, {@code te},
 * {@code content-type}, {@code grpc-*} except {@code grpc-status-details-bin}) are not
 * part of it.
 *
 * @param entries name/value pairs, in order
 */
public record Metadata(List<Entry> entries) {

    /** One metadata entry. */
    public record Entry(String name, String value) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public static final Metadata EMPTY = new Metadata(List.of());

    public Metadata {
        entries = List.copyOf(entries);
    }
}
