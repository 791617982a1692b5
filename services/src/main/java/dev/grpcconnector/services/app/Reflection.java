package dev.grpcconnector.services.app;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Server reflection for the services on the connector's listener: grpc-java's own
 * reflection services, answering from the module's in-process server, which also holds
 * the connector's own services so that they are listed (and their descriptors served)
 * too. Those are never called there: the connector answers {@code grpc.health.v1.Health}
 * and {@code grpcconnector.v1.HttpService} itself, before a call reaches a typed service.
 */
final class Reflection {
    private static final Logger LOG = Logger.getLogger(Reflection.class.getName());
    /** The generated stubs of the connector's protocol, present when the application packages grpc-connector-proto. */
    static final String HTTP_SERVICE_STUBS = "dev.grpcconnector.proto.v1.HttpServiceGrpc";

    static final List<String> SERVICE_NAMES = List.of("grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");

    private Reflection() {
    }

    /** The reflection services, v1 and v1alpha (which grpcurl still asks first). */
    @SuppressWarnings("deprecation")
    static List<BindableService> services() {
        return List.of(ProtoReflectionServiceV1.newInstance(), ProtoReflectionService.newInstance());
    }

    /**
     * Definitions of the connector's services, for listing only: grpc.health.v1.Health, and
     * grpcconnector.v1.HttpService when its stubs are on the module's class path.
     */
    static List<ServerServiceDefinition> connectorServices(ClassLoader loader) {
        List<ServerServiceDefinition> definitions = new ArrayList<>();
        definitions.add(new HealthStatusManager().getHealthService().bindService());
        try {
            Class<?> stubs = Class.forName(HTTP_SERVICE_STUBS, false, loader);
            Class<?> asyncService = Class.forName(HTTP_SERVICE_STUBS + "$AsyncService", false, loader);
            Method bind = stubs.getMethod("bindService", asyncService);
            definitions.add((ServerServiceDefinition) bind.invoke(null, unimplemented(asyncService, loader)));
        } catch (ClassNotFoundException e) {
            LOG.log(Level.FINE, "no {0}: reflection does not list grpcconnector.v1.HttpService", HTTP_SERVICE_STUBS);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot bind " + HTTP_SERVICE_STUBS, e);
        }
        return definitions;
    }

    /** An AsyncService whose every method is the generated default (UNIMPLEMENTED). */
    private static Object unimplemented(Class<?> asyncService, ClassLoader loader) {
        InvocationHandler defaults = (proxy, method, args) -> {
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return switch (method.getName()) {
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "connector's " + asyncService.getName() + " (listed only)";
                default -> throw new InvocationTargetException(new UnsupportedOperationException(method.getName()));
            };
        };
        return Proxy.newProxyInstance(loader, new Class<?>[] {asyncService}, defaults);
    }
}
