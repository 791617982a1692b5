package dev.grpcconnector.glassfish;

import dev.grpcconnector.health.HealthService;
import org.glassfish.api.admin.ServerEnvironment;
import org.glassfish.api.event.EventListener;
import org.glassfish.api.event.EventTypes;
import org.glassfish.api.event.Events;
import org.glassfish.hk2.api.ServiceLocator;

/**
 * Keeps the one {@link HealthService} of this server in step with GlassFish's life
 * cycle: serving once the server is ready (so Envoy sends nothing while applications are
 * still deploying), not serving from {@code PREPARE_SHUTDOWN} on (so Envoy drains this
 * backend while it still answers).
 */
final class ServerHealth {
    private static HealthService instance;

    private ServerHealth() {
    }

    static synchronized HealthService get(ServiceLocator locator) {
        if (instance == null) {
            ServerEnvironment environment = locator.getService(ServerEnvironment.class);
            HealthService health = new HealthService(
                    environment != null && environment.getStatus() == ServerEnvironment.Status.started);
            Events events = locator.getService(Events.class);
            if (events != null) {
                events.register(new LifecycleListener(health));
            }
            instance = health;
        }
        return instance;
    }

    private record LifecycleListener(HealthService health) implements EventListener {
        @Override
        public void event(Event<?> event) {
            if (event.is(EventTypes.SERVER_READY)) {
                health.setServing(true);
            } else if (event.is(EventTypes.PREPARE_SHUTDOWN)) {
                health.setServing(false);
            }
        }
    }
}
