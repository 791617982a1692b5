package dev.grpcconnector.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The secret the edge (Envoy) presents in the {@value #HEADER} metadata entry of every
 * call: the current one and, while an edge is being switched over, the previous one.
 *
 * <p>Only the SHA-256 digests are kept. A presented value is hashed and compared with
 * every accepted digest by {@link MessageDigest#isEqual} (constant time for equal lengths,
 * and digests always have the same length), all of them each time, so neither the
 * content nor the length of a secret, nor which of the two matched, shows in the time a
 * refusal takes. The secret never appears in {@link #toString()} or in a log line.
 */
public final class SharedSecret {
    /** The metadata entry that carries the secret; removed before the application sees the request. */
    public static final String HEADER = "x-grpc-connector-secret";
    /** A secret shorter than this is refused at start-up: guessable secrets are no defence. */
    public static final int MIN_LENGTH = 16;

    private final List<byte[]> accepted;

    private SharedSecret(List<byte[]> accepted) {
        this.accepted = accepted;
    }

    /**
     * @param current the secret the edge must send
     * @param previous a secret still accepted during a rotation, or {@code null}
     * @throws IllegalArgumentException when a secret is shorter than {@value #MIN_LENGTH}
     *     characters or has a character that is not printable ASCII (a header value must
     *     carry it unchanged: use base64 or hex)
     */
    public static SharedSecret of(String current, String previous) {
        List<byte[]> digests = new ArrayList<>(2);
        digests.add(digest(checked("the secret", current)));
        if (previous != null) {
            digests.add(digest(checked("the previous secret", previous)));
        }
        return new SharedSecret(List.copyOf(digests));
    }

    /** Whether {@code presented} (a header value, {@code null} when absent) is an accepted secret. */
    public boolean accepts(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] digest = digest(presented);
        boolean match = false;
        for (byte[] candidate : accepted) {
            match |= MessageDigest.isEqual(candidate, digest);
        }
        return match;
    }

    /** How many secrets are accepted: 2 during a rotation, else 1. */
    public int acceptedCount() {
        return accepted.size();
    }

    @Override
    public String toString() {
        return "SharedSecret[" + accepted.size() + " accepted, values not shown]";
    }

    private static String checked(String what, String secret) {
        if (secret.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(what + " is shorter than " + MIN_LENGTH + " characters");
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException(what + " has a character that is not printable ASCII at index " + i
                        + " (use base64 or hex; a secret file must not end with a blank line)");
            }
        }
        return secret;
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.ISO_8859_1));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
