package dev.grpcconnector.wire;

import java.nio.charset.StandardCharsets;

/**
 * Encodes {@code grpc-message} values as the gRPC HTTP/2 protocol requires: UTF-8, then
 * percent-encoding of every byte outside printable ASCII and of {@code %} itself
 * (<a href="https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md">PROTOCOL-HTTP2</a>,
 * "Status-Message"). grpc-java's {@code Status.MESSAGE_KEY} marshaller decodes it.
 */
public final class GrpcMessageText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private GrpcMessageText() {
    }

    public static String percentEncode(String message) {
        byte[] utf8 = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(utf8.length);
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }
}
