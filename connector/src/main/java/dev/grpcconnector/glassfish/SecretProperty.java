package dev.grpcconnector.glassfish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Reads one secret from the listener's properties, where it may be given in exactly one
 * of two ways, and never as plain text in domain.xml:
 *
 * <ul>
 *   <li>{@code <name>=${ALIAS=alias}}: a GlassFish password alias ({@code asadmin
 *       create-password-alias}), which GlassFish resolves from the domain's encrypted
 *       alias store when the property is read. The value <em>as written</em> must be an
 *       alias reference; a plain value is refused.</li>
 *   <li>{@code <name>-file=/path}: a file holding the secret (a Docker/Kubernetes secret
 *       mount, say). One trailing line break is ignored. A file that others may read is
 *       accepted with a WARNING.</li>
 * </ul>
 */
final class SecretProperty {
    private static final Logger LOG = Logger.getLogger(SecretProperty.class.getName());
    private static final Pattern ALIAS_REFERENCE = Pattern.compile("\\$\\{ALIAS=[^}]+}");

    private SecretProperty() {
    }

    /**
     * @param resolved the properties as GlassFish resolves them ({@code ${ALIAS=...}} expanded)
     * @param raw the properties as written in domain.xml
     * @return the secret, or {@code null} when neither property is set
     * @throws IllegalArgumentException for a plain-text value, an unknown alias, both
     *     properties set, or an unreadable file (the message never contains a secret)
     */
    static String read(Function<String, String> resolved, Function<String, String> raw, String name) {
        String fileName = name + "-file";
        String written = blankToNull(raw.apply(name));
        String file = blankToNull(resolved.apply(fileName));
        if (written != null && file != null) {
            throw new IllegalArgumentException("set either " + name + " or " + fileName + ", not both");
        }
        if (written != null) {
            if (!ALIAS_REFERENCE.matcher(written.trim()).matches()) {
                throw new IllegalArgumentException(name + " must be a password alias reference ${ALIAS=name} "
                        + "(asadmin create-password-alias), never the secret itself; or use " + fileName);
            }
            String value = resolved.apply(name);
            if (value == null || value.equals(written)) {
                throw new IllegalArgumentException(name + " names the password alias " + written.trim()
                        + ", which does not exist in this domain (asadmin list-password-aliases)");
            }
            return value;
        }
        return file == null ? null : fromFile(fileName, Path.of(file));
    }

    private static String fromFile(String property, Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(property + ": cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")", e);
        }
        warnIfOthersMayRead(property, file);
        if (content.endsWith("\r\n")) {
            return content.substring(0, content.length() - 2);
        }
        return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
    }

    private static void warnIfOthersMayRead(String property, Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.log(Level.WARNING, "{0}: {1} can be read by every user of this machine (chmod 600 it)",
                        new Object[] {property, file});
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.log(Level.FINE, "{0}: permissions of {1} not checked: {2}", new Object[] {property, file, e});
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
