package dev.grpcconnector.translate;

/**
 * Checks for the bytes that would let a value smuggle a second header or request line
 * into the HTTP request GlassFish parses: CR, LF and NUL. HTTP/2 forbids them in field
 * values (RFC 9113 §8.2.1) but HPACK can carry them, so the connector checks every value
 * it turns into a header or into the request line.
 */
public final class HeaderValues {
    private HeaderValues() {
    }

    public static boolean hasForbiddenChar(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                return true;
            }
        }
        return false;
    }

    /** True for an RFC 9110 token, the syntax of an HTTP method. */
    public static boolean isToken(CharSequence value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /**
     * True for a request target the connector accepts: origin form ({@code /...}) or
     * {@code *}, with no control character, space or DEL (they cannot appear in a request
     * line; percent-encoding is how a browser sends them).
     */
    public static boolean isRequestTarget(CharSequence value) {
        if (value.isEmpty() || !(value.charAt(0) == '/' || "*".contentEquals(value))) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
