package dev.grpcconnector.health;

import dev.grpcconnector.services.api.TypedServiceRegistry;
import dev.grpcconnector.wire.GrpcFrame;
import dev.grpcconnector.wire.GrpcStatus;
import dev.grpcconnector.wire.GrpcStatusException;
import dev.grpcconnector.wire.ProtoWire;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Answers {@code grpc.health.v1.Health/Check}, which is how Envoy's gRPC health check
 * decides whether to send traffic to this GlassFish (contract §7): {@code SERVING} for the
 * empty service name, for {@code grpcconnector.v1.HttpService} and for every typed service
 * an application registered ({@link TypedServiceRegistry}) while the server
 * serves, {@code NOT_SERVING} before it is ready and from the moment it starts shutting
 * down, and the status {@code NOT_FOUND} for any other service name, as grpc-java's
 * {@code HealthStatusManager} does.
 *
 * <p>The messages are {@code HealthCheckRequest { string service = 1; }} and
 * {@code HealthCheckResponse { ServingStatus status = 1; }}
 * (<a href="https://github.com/grpc/grpc/blob/master/doc/health-checking.md">health-checking</a>).
 */
public final class HealthService {
    public static final String CHECK_PATH = "/grpc.health.v1.Health/Check";
    public static final String SERVICE_PREFIX = "/grpc.health.v1.Health/";
    private static final Set<String> KNOWN_SERVICES = Set.of("", "grpcconnector.v1.HttpService");
    private static final int SERVING = 1;
    private static final int NOT_SERVING = 2;

    private volatile boolean serving;

    public HealthService(boolean serving) {
        this.serving = serving;
    }

    public void setServing(boolean serving) {
        this.serving = serving;
    }

    public boolean isServing() {
        return serving;
    }

    /**
     * Answers one check.
     *
     * @param request the HealthCheckRequest message
     * @return the complete gRPC frame (prefix included) of the HealthCheckResponse
     * @throws GrpcStatusException {@code NOT_FOUND} for an unknown service,
     *     {@code INVALID_ARGUMENT} for bytes that are not a HealthCheckRequest
     */
    public byte[] check(GrpcFrame request) throws GrpcStatusException {
        String service = serviceName(request);
        if (!KNOWN_SERVICES.contains(service) && TypedServiceRegistry.handler(service) == null) {
            throw new GrpcStatusException(GrpcStatus.NOT_FOUND, "unknown service " + service);
        }
        int status = serving ? SERVING : NOT_SERVING;
        byte[] frame = new byte[GrpcFrame.PREFIX_BYTES + 2];
        GrpcFrame.writePrefix(frame, 0, 2);
        frame[GrpcFrame.PREFIX_BYTES] = (byte) ProtoWire.tag(1, ProtoWire.VARINT);
        frame[GrpcFrame.PREFIX_BYTES + 1] = (byte) status;
        return frame;
    }

    private static String serviceName(GrpcFrame request) throws GrpcStatusException {
        ProtoWire.Reader reader = new ProtoWire.Reader(request.payload(), request.offset(), request.length());
        String service = "";
        try {
            while (!reader.atEnd()) {
                long tag = reader.readVarint();
                int wireType = (int) (tag & 7);
                if ((tag >>> 3) == 0) {
                    throw new ProtoWire.MalformedMessageException("field number 0 is not valid");
                }
                if ((tag >>> 3) == 1 && wireType == ProtoWire.LEN) {
                    int length = reader.readLength();
                    service = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(request.payload(), reader.position(), length))
                            .toString();
                    reader.skip(length);
                } else {
                    reader.skipValue(wireType);
                }
            }
        } catch (ProtoWire.MalformedMessageException | CharacterCodingException e) {
            throw new GrpcStatusException(GrpcStatus.INVALID_ARGUMENT,
                    "request message is not a grpc.health.v1.HealthCheckRequest: " + e.getMessage());
        }
        return service;
    }
}
