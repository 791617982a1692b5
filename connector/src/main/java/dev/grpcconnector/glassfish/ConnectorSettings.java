package dev.grpcconnector.glassfish;

import dev.grpcconnector.grizzly.CallLimits;
import dev.grpcconnector.memory.MemoryBudget;
import dev.grpcconnector.security.ListenerTls;
import dev.grpcconnector.security.SharedSecret;
import java.util.function.Function;

/**
 * The connector's settings, read from properties of the listener's {@code <http>}
 * element. docs/configuration.md describes each one.
 *
 * @param enabled {@code grpc-connector}: install the connector on this listener
 * @param trustedProxyHops {@code grpc-connector-trusted-proxy-hops}: proxies whose
 *     {@code X-Forwarded-For} entries are trusted (Envoy alone: 1)
 * @param maxMessageBytes {@code grpc-connector-max-message-bytes}: the largest request
 *     message accepted
 * @param shutdownDrainSeconds {@code grpc-connector-shutdown-drain-seconds}: how long
 *     GlassFish keeps serving, with health NOT_SERVING, once it starts shutting down
 * @param applicationThreads {@code grpc-connector-application-threads}: threads that run
 *     the web container for the connector's calls
 * @param secret {@code grpc-connector-secret} or {@code grpc-connector-secret-file}, plus
 *     {@code grpc-connector-previous-secret[-file]} during a rotation: what the edge must
 *     send in every call; {@code null} when not configured
 * @param insecure {@code grpc-connector-insecure}: trust every caller (development only,
 *     loopback listeners only)
 * @param tls {@code grpc-connector-tls-*} and {@code grpc-connector-allowed-client-identities}:
 *     the connector's own TLS with client certificates required (mutual TLS with the edge),
 *     {@code null} when not configured ({@link TlsProperties})
 * @param memoryBudgetBytes {@code grpc-connector-memory-budget-bytes}: what the connector may
 *     hold for all calls of the listener together
 * @param maxUnaryResponseBytes {@code grpc-connector-max-unary-response-bytes}: the largest
 *     response body of a unary ({@code Handle}) call
 * @param streamIdleTimeoutSeconds {@code grpc-connector-stream-idle-timeout-seconds}: a call
 *     on which no byte moved for this long is ended
 * @param maxCallsPerConnection {@code grpc-connector-max-calls-per-connection}: calls in
 *     flight beyond this many on one connection are refused; 0 when not set (then the
 *     listener's {@code http2-max-concurrent-streams} applies, see {@link #callLimits})
 */
public record ConnectorSettings(boolean enabled, int trustedProxyHops, int maxMessageBytes, int shutdownDrainSeconds,
        int applicationThreads, SharedSecret secret, boolean insecure, ListenerTls tls, long memoryBudgetBytes,
        int maxUnaryResponseBytes, int streamIdleTimeoutSeconds, int maxCallsPerConnection) {
    public static final String ENABLED = "grpc-connector";
    public static final String TRUSTED_PROXY_HOPS = "grpc-connector-trusted-proxy-hops";
    public static final String MAX_MESSAGE_BYTES = "grpc-connector-max-message-bytes";
    public static final String SHUTDOWN_DRAIN_SECONDS = "grpc-connector-shutdown-drain-seconds";
    public static final String APPLICATION_THREADS = "grpc-connector-application-threads";
    public static final String SECRET = "grpc-connector-secret";
    public static final String PREVIOUS_SECRET = "grpc-connector-previous-secret";
    public static final String INSECURE = "grpc-connector-insecure";
    public static final String STREAM_IDLE_TIMEOUT_SECONDS = "grpc-connector-stream-idle-timeout-seconds";
    public static final String MAX_CALLS_PER_CONNECTION = "grpc-connector-max-calls-per-connection";
    public static final String MEMORY_BUDGET_BYTES = "grpc-connector-memory-budget-bytes";
    public static final String MAX_UNARY_RESPONSE_BYTES = "grpc-connector-max-unary-response-bytes";
    /** The settings of a listener without the connector. */
    public static final ConnectorSettings DISABLED = new ConnectorSettings(false, 0, 0, 0, 0, null, false, null, 0, 0, 0, 0);
    public static final int DEFAULT_APPLICATION_THREADS = 64;
    public static final int DEFAULT_TRUSTED_PROXY_HOPS = 1;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** Twice Envoy's {@code stream_idle_timeout} of 5 minutes, so that Envoy, which sees the browser, acts first. */
    public static final int DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS = 600;

    /** As {@link #from(Function, Function)} for properties whose written and resolved values are the same. */
    public static ConnectorSettings from(Function<String, String> property) {
        return from(property, property);
    }

    /**
     * @param property the value of a property as GlassFish resolves it ({@code ${ALIAS=...}}
     *     expanded), or {@code null} when it is not set
     * @param raw the value as written in domain.xml
     * @throws IllegalArgumentException for a value that is not a number in range, a
     *     secret given as plain text or otherwise unusable, or a flag that is not
     *     {@code true}/{@code false}
     */
    public static ConnectorSettings from(Function<String, String> property, Function<String, String> raw) {
        String current = SecretProperty.read(property, raw, SECRET);
        String previous = SecretProperty.read(property, raw, PREVIOUS_SECRET);
        if (current == null && previous != null) {
            throw new IllegalArgumentException(PREVIOUS_SECRET + " is set without " + SECRET);
        }
        return new ConnectorSettings(
                Boolean.parseBoolean(property.apply(ENABLED)),
                number(property, TRUSTED_PROXY_HOPS, DEFAULT_TRUSTED_PROXY_HOPS, 0),
                number(property, MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES, 1),
                number(property, SHUTDOWN_DRAIN_SECONDS, 0, 0),
                number(property, APPLICATION_THREADS, DEFAULT_APPLICATION_THREADS, 1),
                current == null ? null : SharedSecret.of(current, previous),
                flag(property, INSECURE),
                TlsProperties.read(property, raw),
                byteCount(property, MEMORY_BUDGET_BYTES, MemoryBudget.DEFAULT_BYTES),
                number(property, MAX_UNARY_RESPONSE_BYTES, MemoryBudget.DEFAULT_MAX_UNARY_RESPONSE_BYTES, 0),
                number(property, STREAM_IDLE_TIMEOUT_SECONDS, DEFAULT_STREAM_IDLE_TIMEOUT_SECONDS, 1),
                number(property, MAX_CALLS_PER_CONNECTION, 0, 1));
    }

    /**
     * The limits on what one client may hold: idle time of a call, calls in flight per
     * connection.
     *
     * @param listenerStreams the listener's {@code http2-max-concurrent-streams}: the calls
     *     per connection when {@code grpc-connector-max-calls-per-connection} is not set, so
     *     that the edge, which may fill a connection up to that many streams, is never refused
     */
    public CallLimits callLimits(int listenerStreams) {
        return CallLimits.of(streamIdleTimeoutSeconds, maxCallsPerConnection > 0 ? maxCallsPerConnection : listenerStreams);
    }

    private static boolean flag(Function<String, String> property, String name) {
        String value = property.apply(name);
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(name + " must be true or false, not '" + value + "'");
    }

    private static long byteCount(Function<String, String> property, String name, long fallback) {
        String value = property.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number >= 0, not '" + value + "'", e);
        }
        throw new IllegalArgumentException(name + " must be a whole number >= 0, not '" + value + "'");
    }

    private static int number(Function<String, String> property, String name, int fallback, int min) {
        String value = property.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number >= " + min + ", not '" + value + "'", e);
        }
        throw new IllegalArgumentException(name + " must be a whole number >= " + min + ", not '" + value + "'");
    }
}
