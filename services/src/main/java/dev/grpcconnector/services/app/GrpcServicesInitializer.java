package dev.grpcconnector.services.app;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.util.Set;

/**
 * Found by the web container in {@code WEB-INF/lib} (through
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}); adds the
 * listener that registers the module's {@link GrpcService}s once CDI and the module's
 * naming context are ready, and removes them when the module stops.
 */
public final class GrpcServicesInitializer implements ServletContainerInitializer {

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        context.addListener(GrpcServicesListener.class);
    }
}
