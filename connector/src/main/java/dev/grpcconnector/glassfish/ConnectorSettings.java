package dev.grpcconnector.glassfish;

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
 */
public record ConnectorSettings(boolean enabled, int trustedProxyHops, int maxMessageBytes, int shutdownDrainSeconds,
        int applicationThreads) {
    public static final String ENABLED = "grpc-connector";
    public static final String TRUSTED_PROXY_HOPS = "grpc-connector-trusted-proxy-hops";
    public static final String MAX_MESSAGE_BYTES = "grpc-connector-max-message-bytes";
    public static final String SHUTDOWN_DRAIN_SECONDS = "grpc-connector-shutdown-drain-seconds";
    public static final String APPLICATION_THREADS = "grpc-connector-application-threads";
    public static final int DEFAULT_APPLICATION_THREADS = 64;
    public static final int DEFAULT_TRUSTED_PROXY_HOPS = 1;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    /**
     * @param property the value of a property, or {@code null} when it is not set
     * @throws IllegalArgumentException for a value that is not a number in range
     */
    public static ConnectorSettings from(Function<String, String> property) {
        return new ConnectorSettings(
                Boolean.parseBoolean(property.apply(ENABLED)),
                number(property, TRUSTED_PROXY_HOPS, DEFAULT_TRUSTED_PROXY_HOPS, 0),
                number(property, MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_BYTES, 1),
                number(property, SHUTDOWN_DRAIN_SECONDS, 0, 0),
                number(property, APPLICATION_THREADS, DEFAULT_APPLICATION_THREADS, 1));
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
