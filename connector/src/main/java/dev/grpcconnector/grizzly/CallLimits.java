package dev.grpcconnector.grizzly;

import java.util.concurrent.TimeUnit;

/**
 * What one client may hold of the listener: how long a call may stay without any byte
 * moving ({@link StreamIdleTimeout}) and how many calls one connection may have in flight
 * ({@link CallsPerConnection}). docs/security.md says which attack each one answers.
 *
 * @param idleTimeoutNanos a call on which no byte moved for this long is ended
 * @param maxCallsPerConnection calls beyond this many in flight on one connection are refused
 */
public record CallLimits(long idleTimeoutNanos, int maxCallsPerConnection) {

    public CallLimits {
        if (idleTimeoutNanos <= 0 || maxCallsPerConnection <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + idleTimeoutNanos + " ns, "
                    + maxCallsPerConnection + " calls");
        }
    }

    public static CallLimits of(int idleTimeoutSeconds, int maxCallsPerConnection) {
        return new CallLimits(TimeUnit.SECONDS.toNanos(idleTimeoutSeconds), maxCallsPerConnection);
    }
}
