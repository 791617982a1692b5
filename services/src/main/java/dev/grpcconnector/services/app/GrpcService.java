package dev.grpcconnector.services.app;

import io.grpc.ServerInterceptor;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a CDI bean or an EJB as a gRPC service to serve on the connector's listener.
 *
 * <p>The bean extends a service's generated {@code *ImplBase} (or implements its
 * {@code AsyncService}, or grpc-java's {@code BindableService}). When its web module
 * starts, {@code grpc-connector-services} binds it and registers its service name with
 * the connector; when the module stops, the service is removed. Calls reach the bean
 * through its CDI or EJB proxy, so injection, interceptors, {@code @Transactional} and
 * EJB transactions apply as for any other call into the bean.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface GrpcService {

    /**
     * grpc-java {@code ServerInterceptor}s for this service, the first listed running
     * first (outermost). Each is the application's CDI bean of that class when there is
     * one, else an instance made with its public no-argument constructor.
     */
    Class<? extends ServerInterceptor>[] interceptors() default {};
}
