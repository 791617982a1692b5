package dev.grpcconnector.services.app;

import dev.grpcconnector.services.api.CallHandler;
import dev.grpcconnector.services.api.CallSink;
import dev.grpcconnector.services.api.CallSource;
import dev.grpcconnector.services.api.Metadata;
import dev.grpcconnector.services.api.TypedServiceRegistry;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One web module's typed services, served by grpc-java's own server over its in-process
 * transport, and registered with the connector.
 *
 * <p>Every call the connector starts becomes an in-process call ({@link InProcessCall}),
 * so grpc-java's {@code ServerImpl} does what it does on any transport: method lookup
 * ({@code UNIMPLEMENTED} for an unknown method), the call's {@code Context} with its
 * deadline and cancellation, interceptors, {@code StatusRuntimeException} → status and
 * trailers. The server also holds grpc-java's reflection services ({@link Reflection}),
 * registered with the connector when no other module serves them yet.
 *
 * <p>The server runs application code on the executor it is given: at run time a direct
 * executor wrapped by the module's {@code ContextService}, captured at start-up
 * ({@link GrpcServicesListener}), so whatever thread triggers it (the connector's
 * application threads, grpc-java's deadline timer) the code runs with the module's class
 * loader, naming context ({@code java:comp}) and the security context of its start-up; so do
 * the tasks of its scheduler ({@link ContextualScheduler}), which cancel a call's
 * {@code Context} at its deadline.
 */
final class ApplicationServices implements AutoCloseable {
    private final Server server;
    private final ManagedChannel channel;
    private final ScheduledExecutorService timer;
    private final TypedServiceRegistry.Registration registration;
    private final TypedServiceRegistry.Registration reflection;

    private ApplicationServices(Server server, ManagedChannel channel, ScheduledExecutorService timer,
            TypedServiceRegistry.Registration registration, TypedServiceRegistry.Registration reflection) {
        this.server = server;
        this.channel = channel;
        this.timer = timer;
        this.registration = registration;
        this.reflection = reflection;
    }

    /**
     * Starts the server and registers its services.
     *
     * @throws dev.grpcconnector.services.api.DuplicateServiceException when another
     *     application serves one of the names (nothing is left running then)
     */
    static ApplicationServices start(String owner, List<BoundService> services, Executor applicationContext) {
        String name = "grpc-connector:" + owner + ":" + UUID.randomUUID();
        ScheduledExecutorService timer = new ContextualScheduler(Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "grpc-services-timer " + owner);
            thread.setDaemon(true);
            return thread;
        }), applicationContext);
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).executor(applicationContext)
                .scheduledExecutorService(timer);
        for (BoundService service : services) {
            builder.addService(service.definition());
        }
        Reflection.services().forEach(builder::addService);
        Reflection.connectorServices(ApplicationServices.class.getClassLoader()).forEach(builder::addService);
        Server server;
        try {
            server = builder.build().start();
        } catch (IOException e) {
            timer.shutdownNow();
            throw new UncheckedIOException(e);
        }
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            CallHandler handler = (method, headers, timeoutNanos, sink) -> startCall(channel, method, headers,
                    timeoutNanos, sink);
            TypedServiceRegistry.Registration registration = TypedServiceRegistry.register(owner,
                    services.stream().map(BoundService::name).toList(), handler);
            // Reflection answers for the whole listener: the first module to start serves it.
            TypedServiceRegistry.Registration reflection = TypedServiceRegistry.registerIfFree(owner,
                    Reflection.SERVICE_NAMES, handler);
            return new ApplicationServices(server, channel, timer, registration, reflection);
        } catch (RuntimeException e) {
            channel.shutdownNow();
            server.shutdownNow();
            timer.shutdownNow();
            throw e;
        }
    }

    private static CallSource startCall(ManagedChannel channel, String method, Metadata headers, long timeoutNanos,
            CallSink sink) {
        CallOptions options = CallOptions.DEFAULT;
        if (timeoutNanos >= 0) {
            options = options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
        }
        return InProcessCall.start(channel, method, options, MetadataConversion.toGrpc(headers), sink);
    }

    /** Removes the services from the connector, then stops the server (calls still running are cancelled). */
    @Override
    public void close() {
        registration.close();
        reflection.close();
        channel.shutdownNow();
        server.shutdownNow();
        timer.shutdownNow();
    }
}
