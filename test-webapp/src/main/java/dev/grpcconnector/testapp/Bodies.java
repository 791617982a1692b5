package dev.grpcconnector.testapp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Streaming helpers shared by the servlets. Bodies are never held whole in memory. */
final class Bodies {

    /** Bodies shorter than this (and valid UTF-8) are echoed back as text. */
    static final int TEXT_LIMIT = 4096;

    private Bodies() {
    }

    /** What was read from a request body. */
    record Summary(long length, String sha256, String text) {
    }

    static Summary read(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[16 * 1024];
        byte[] head = new byte[TEXT_LIMIT];
        long length = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (length < TEXT_LIMIT) {
                System.arraycopy(buffer, 0, head, (int) length, (int) Math.min(n, TEXT_LIMIT - length));
            }
            sha.update(buffer, 0, n);
            length += n;
        }
        String text = null;
        if (length < TEXT_LIMIT) {
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(head, 0, (int) length))
                        .toString();
            } catch (CharacterCodingException notUtf8) {
                text = null;
            }
        }
        return new Summary(length, HexFormat.of().formatHex(sha.digest()), text);
    }

    /** The deterministic byte at position i of a /bytes body. */
    static byte patternByte(long i) {
        return (byte) ((i * 31 + 7) & 0xff);
    }

    static void writePattern(OutputStream out, long size) throws IOException {
        byte[] chunk = new byte[8192];
        long written = 0;
        while (written < size) {
            int n = (int) Math.min(chunk.length, size - written);
            for (int k = 0; k < n; k++) {
                chunk[k] = patternByte(written + k);
            }
            out.write(chunk, 0, n);
            written += n;
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
