package dev.grpcconnector.services.app;

import io.grpc.ServerInterceptor;
import jakarta.enterprise.concurrent.ContextService;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Registers the web module's {@link GrpcService} beans when the module starts, and
 * removes them when it stops (undeploy, redeploy, disable).
 *
 * <p>A service name another application already serves makes the module's start fail,
 * with the reason: two applications never share a service name silently.
 */
public final class GrpcServicesListener implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(GrpcServicesListener.class.getName());
    private static final String ATTRIBUTE = ApplicationServices.class.getName();
    static final String CONTEXT_SERVICE = "java:comp/DefaultContextService";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        List<BoundService> services = discover(context);
        if (services.isEmpty()) {
            return;
        }
        String owner = owner(context);
        try {
            ApplicationServices started = ApplicationServices.start(owner, services, inApplicationContext());
            context.setAttribute(ATTRIBUTE, started);
        } catch (NoClassDefFoundError e) {
            LOG.log(Level.SEVERE, "{0}: the gRPC connector is not installed in this server (no {1}); its gRPC services {2} "
                    + "are not served", new Object[] {owner, e.getMessage(), services.stream().map(BoundService::name).toList()});
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (event.getServletContext().getAttribute(ATTRIBUTE) instanceof ApplicationServices started) {
            event.getServletContext().removeAttribute(ATTRIBUTE);
            started.close();
        }
    }

    /** The module's {@link GrpcService} beans, bound through their proxies. */
    private static List<BoundService> discover(ServletContext context) {
        BeanManager beans;
        try {
            beans = CDI.current().getBeanManager();
        } catch (IllegalStateException e) {
            LOG.log(Level.FINE, "{0}: no CDI, no gRPC services", context.getContextPath());
            return List.of();
        }
        List<BoundService> services = new ArrayList<>();
        List<Bean<?>> marked = new ArrayList<>();
        for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
            if (bean.getBeanClass().isAnnotationPresent(GrpcService.class)) {
                marked.add(bean);
            }
        }
        marked.sort(Comparator.comparing(bean -> bean.getBeanClass().getName()));
        for (Bean<?> bean : marked) {
            Class<?> type = bean.getTypes().contains(bean.getBeanClass()) ? bean.getBeanClass() : Object.class;
            Object reference = beans.getReference(bean, type, beans.createCreationalContext(bean));
            services.add(ServiceBinding.bind(reference, bean.getBeanClass(),
                    interceptors(beans, bean.getBeanClass().getAnnotation(GrpcService.class))));
        }
        return services;
    }

    /** The service's interceptors, in the order they run (the first listed outermost). */
    private static List<ServerInterceptor> interceptors(BeanManager beans, GrpcService marker) {
        List<ServerInterceptor> interceptors = new ArrayList<>();
        for (Class<? extends ServerInterceptor> type : marker.interceptors()) {
            Set<Bean<?>> candidates = beans.getBeans(type);
            if (!candidates.isEmpty()) {
                Bean<?> bean = beans.resolve(candidates);
                interceptors.add((ServerInterceptor) beans.getReference(bean, type, beans.createCreationalContext(bean)));
            } else {
                try {
                    interceptors.add(type.getConstructor().newInstance());
                } catch (ReflectiveOperationException e) {
                    throw new IllegalArgumentException("interceptor " + type.getName() + " is neither a CDI bean nor has a "
                            + "public no-argument constructor", e);
                }
            }
        }
        return interceptors;
    }

    /** The application and module, as GlassFish names them ({@code java:app/AppName}), for messages. */
    private static String owner(ServletContext context) {
        try {
            InitialContext naming = new InitialContext();
            return naming.lookup("java:app/AppName") + "/" + naming.lookup("java:module/ModuleName");
        } catch (NamingException e) {
            return "web module " + context.getContextPath();
        }
    }

    /**
     * An executor running each task at once on the calling thread, inside the module's
     * context as it is now (class loader, {@code java:comp}, security), through the
     * module's {@code ContextService}.
     */
    private static Executor inApplicationContext() {
        ContextService contextService;
        try {
            contextService = (ContextService) new InitialContext().lookup(CONTEXT_SERVICE);
        } catch (NamingException e) {
            throw new IllegalStateException("no " + CONTEXT_SERVICE + ": typed gRPC services need a Jakarta EE server", e);
        }
        return contextService.createContextualProxy(new DirectExecutor(), Executor.class);
    }

    /** Serializable, as some ContextService implementations expect of what they wrap. */
    private static final class DirectExecutor implements Executor, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public void execute(Runnable task) {
            task.run();
        }
    }
}
