package dev.grpcconnector.grizzly.workaround;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The release reads and writes two private fields of GlassFish 8.0.0's Grizzly
 * {@code Http2Stream}; this checks they are there under the names and types it expects, so
 * a Grizzly upgrade that renames them fails here instead of silently leaking streams
 * (the behaviour itself is {@code FinishedStreamReleaseIT}'s, on a real GlassFish).
 */
class FinishedStreamReleaseTest {
    @Test
    void grizzlysStreamHasTheFieldsTheReleaseNeeds() {
        assertNull(FinishedStreamRelease.unavailableReason());
        assertTrue(FinishedStreamRelease.available());
    }
}
