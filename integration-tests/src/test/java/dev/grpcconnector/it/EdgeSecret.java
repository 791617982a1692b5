package dev.grpcconnector.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The shared secrets of the test domains' gRPC listeners (docs/security.md), new for each
 * test run: every test client sends {@link #CURRENT} in {@value #HEADER}, as Envoy's
 * credential injector does. The shared domain is installed in the middle of a rotation
 * ({@code install.sh --secret-file current --previous-secret-file previous}), so
 * {@link #PREVIOUS} is accepted there too.
 */
public final class EdgeSecret {
    public static final String HEADER = "x-grpc-connector-secret";
    public static final String CURRENT = random();
    public static final String PREVIOUS = random();

    private EdgeSecret() {
    }

    /** {@link #CURRENT} in a file of {@code dir} (mode 600), created once. */
    static Path currentFile(Path dir) {
        return file(dir.resolve("edge-secret"), CURRENT);
    }

    /** {@link #PREVIOUS} in a file of {@code dir} (mode 600), created once. */
    static Path previousFile(Path dir) {
        return file(dir.resolve("edge-secret-previous"), PREVIOUS);
    }

    private static synchronized Path file(Path file, String secret) {
        try {
            if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.US_ASCII).equals(secret + "\n")) {
                return file;
            }
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, secret + "\n", StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[30];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
