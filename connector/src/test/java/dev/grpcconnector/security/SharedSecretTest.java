package dev.grpcconnector.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link SharedSecret}: which presented values are accepted, and what is refused at start-up. */
class SharedSecretTest {
    private static final String CURRENT = "c2VjcmV0LWN1cnJlbnQtMDEyMzQ1Njc4OQ";
    private static final String PREVIOUS = "cHJldmlvdXMtc2VjcmV0LTAxMjM0NTY3ODk";

    @Test
    void acceptsExactlyTheCurrentSecret() {
        SharedSecret secret = SharedSecret.of(CURRENT, null);
        assertTrue(secret.accepts(CURRENT));
        assertFalse(secret.accepts(null));
        assertFalse(secret.accepts(""));
        assertFalse(secret.accepts(PREVIOUS));
        assertFalse(secret.accepts(CURRENT + "x"), "a longer value");
        assertFalse(secret.accepts(CURRENT.substring(0, CURRENT.length() - 1)), "a shorter value");
        assertFalse(secret.accepts(CURRENT.toUpperCase()), "case matters");
        assertFalse(secret.accepts(" " + CURRENT), "no trimming");
        assertEquals(1, secret.acceptedCount());
    }

    @Test
    void duringARotationBothSecretsAreAccepted() {
        SharedSecret secret = SharedSecret.of(CURRENT, PREVIOUS);
        assertTrue(secret.accepts(CURRENT));
        assertTrue(secret.accepts(PREVIOUS));
        assertFalse(secret.accepts("something-else-entirely-0123456789"));
        assertEquals(2, secret.acceptedCount());
    }

    @Test
    void refusesWeakOrUnsendableSecrets() {
        assertThrows(IllegalArgumentException.class, () -> SharedSecret.of("short", null));
        assertThrows(IllegalArgumentException.class, () -> SharedSecret.of("fifteen-chars!!", null));
        SharedSecret.of("sixteen-chars!!!", null);
        IllegalArgumentException space = assertThrows(IllegalArgumentException.class,
                () -> SharedSecret.of("with a space in the middle", null));
        assertTrue(space.getMessage().contains("printable ASCII"), space.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedSecret.of(CURRENT + "\n", null));
        assertThrows(IllegalArgumentException.class, () -> SharedSecret.of(CURRENT + "\u00e9", null));
        assertThrows(IllegalArgumentException.class, () -> SharedSecret.of(CURRENT, "short"));
    }

    @Test
    void neverShowsTheSecret() {
        String text = SharedSecret.of(CURRENT, PREVIOUS).toString();
        assertFalse(text.contains(CURRENT), text);
        assertFalse(text.contains(PREVIOUS), text);
    }
}
