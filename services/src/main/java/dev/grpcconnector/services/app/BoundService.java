package dev.grpcconnector.services.app;

import io.grpc.ServerServiceDefinition;

/** A {@link GrpcService} bean bound to its service definition. */
record BoundService(String name, String beanClass, ServerServiceDefinition definition) {
}
