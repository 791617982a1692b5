package dev.grpcconnector.services.api;

/** A service name is already registered by another application. */
public final class DuplicateServiceException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    DuplicateServiceException(String serviceName, String registeredBy, String refused) {
        super("gRPC service " + serviceName + " is already served by " + registeredBy
                + "; refusing to register it again for " + refused + " (undeploy the other application first)");
    }
}
