package dev.grpcconnector.wire;

/**
 * Parses the {@code grpc-timeout} request header: one to eight ASCII digits and a unit,
 * {@code H} hours, {@code M} minutes, {@code S} seconds, {@code m} milliseconds,
 * {@code u} microseconds or {@code n} nanoseconds
 * (<a href="https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md">PROTOCOL-HTTP2</a>,
 * "Timeout").
 */
public final class GrpcTimeout {
    private GrpcTimeout() {
    }

    /**
     * @return the timeout in nanoseconds, saturated at {@link Long#MAX_VALUE}
     * @throws GrpcStatusException {@code INVALID_ARGUMENT} for a value of another form
     */
    public static long parseNanos(String value) throws GrpcStatusException {
        int digits = value.length() - 1;
        if (digits < 1 || digits > 8) {
            throw invalid(value);
        }
        long amount = 0;
        for (int i = 0; i < digits; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(value);
            }
            amount = amount * 10 + (c - '0');
        }
        long nanosPerUnit = switch (value.charAt(digits)) {
            case 'H' -> 3_600_000_000_000L;
            case 'M' -> 60_000_000_000L;
            case 'S' -> 1_000_000_000L;
            case 'm' -> 1_000_000L;
            case 'u' -> 1_000L;
            case 'n' -> 1L;
            default -> throw invalid(value);
        };
        return amount > Long.MAX_VALUE / nanosPerUnit ? Long.MAX_VALUE : amount * nanosPerUnit;
    }

    private static GrpcStatusException invalid(String value) {
        return new GrpcStatusException(GrpcStatus.INVALID_ARGUMENT, "grpc-timeout '" + value + "' is not 1-8 digits and a unit");
    }
}
