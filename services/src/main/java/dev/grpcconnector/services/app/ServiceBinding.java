package dev.grpcconnector.services.app;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Binds a {@link GrpcService} bean's reference (its CDI or EJB proxy) to its service.
 *
 * <p>Why not simply {@code bindService()}: a generated {@code ImplBase.bindService()}
 * binds {@code this}, and inside the bean {@code this} is the bare instance, not the
 * proxy, so interceptors ({@code @Transactional}, security, EJB transactions) would be
 * bypassed on every call. grpc-java's generated {@code XxxGrpc} class has
 * {@code static bindService(AsyncService)}; given the proxy, every call goes through it.
 * A bean that is only a {@code BindableService} is bound with its own
 * {@code bindService()}.
 */
final class ServiceBinding {

    private ServiceBinding() {
    }

    /**
     * @param interceptors the service's interceptors, the first running first
     */
    static BoundService bind(Object reference, Class<?> beanClass, List<ServerInterceptor> interceptors) {
        ServerServiceDefinition definition = throughGeneratedClass(reference, beanClass);
        if (definition == null) {
            if (!(reference instanceof BindableService bindable)) {
                throw new IllegalArgumentException("@GrpcService " + beanClass.getName() + " is not a gRPC service: extend "
                        + "a generated *ImplBase, implement its AsyncService, or implement io.grpc.BindableService");
            }
            definition = bindable.bindService();
        }
        // ServerInterceptors.intercept runs the last one given first.
        List<ServerInterceptor> outermostLast = new ArrayList<>(interceptors);
        Collections.reverse(outermostLast);
        return new BoundService(definition.getServiceDescriptor().getName(), beanClass.getName(),
                ServerInterceptors.intercept(definition, outermostLast));
    }

    /** {@code XxxGrpc.bindService(reference)} for the generated class the bean derives from, else {@code null}. */
    private static ServerServiceDefinition throughGeneratedClass(Object reference, Class<?> beanClass) {
        for (Class<?> type = beanClass; type != null && type != Object.class; type = type.getSuperclass()) {
            for (Class<?> candidate : generatedOuterClasses(type)) {
                for (Method method : candidate.getMethods()) {
                    if (isBindService(method) && method.getParameterTypes()[0].isInstance(reference)) {
                        try {
                            return (ServerServiceDefinition) method.invoke(null, reference);
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException(e);
                        } catch (InvocationTargetException e) {
                            throw new IllegalStateException("binding " + beanClass.getName() + " failed", e.getCause());
                        }
                    }
                }
            }
        }
        return null;
    }

    /** The outer classes of a type and of the interfaces it implements ({@code XxxGrpc} of {@code XxxGrpc.AsyncService}). */
    private static List<Class<?>> generatedOuterClasses(Class<?> type) {
        List<Class<?>> outer = new ArrayList<>();
        if (type.getEnclosingClass() != null) {
            outer.add(type.getEnclosingClass());
        }
        for (Class<?> implemented : type.getInterfaces()) {
            if (implemented.getEnclosingClass() != null) {
                outer.add(implemented.getEnclosingClass());
            }
        }
        return outer;
    }

    private static boolean isBindService(Method method) {
        return method.getName().equals("bindService") && Modifier.isStatic(method.getModifiers())
                && method.getParameterCount() == 1 && method.getParameterTypes()[0].isInterface()
                && method.getReturnType() == ServerServiceDefinition.class;
    }
}
