package dev.grpcconnector.glassfish;

import dev.grpcconnector.health.HealthService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.api.admin.ServerEnvironment;
import org.glassfish.api.event.EventListener;
import org.glassfish.api.event.EventTypes;
import org.glassfish.api.event.Events;
import org.glassfish.hk2.api.ServiceLocator;

/**
 * Keeps the one {@link HealthService} of this server in step with GlassFish's life
 * cycle: serving once the server is ready (so Envoy sends nothing while applications are
 * still deploying), not serving from {@code PREPARE_SHUTDOWN} on.
 *
 * <p><b>Drain.</b> GlassFish 8.0.0 closes its network listeners some 100 ms after
 * {@code PREPARE_SHUTDOWN}, before it undeploys the applications, so a health checker
 * polling every few seconds would never see {@code NOT_SERVING}: it would only lose the
 * connection, and calls in flight would fail. With a drain time (the largest
 * {@code grpc-connector-shutdown-drain-seconds} of the connector's listeners) the
 * listener answers {@code NOT_SERVING} and keeps serving requests for that long before
 * GlassFish goes on shutting down: the event listener holds the shutdown, which sends the
 * event synchronously.
 */
final class ServerHealth {
    private static final Logger LOG = Logger.getLogger(ServerHealth.class.getName());
    private static HealthService instance;
    private static volatile int drainSeconds;

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

    static synchronized void drainAtLeast(int seconds) {
        drainSeconds = Math.max(drainSeconds, seconds);
    }

    private record LifecycleListener(HealthService health) implements EventListener {
        @Override
        public void event(Event<?> event) {
            if (event.is(EventTypes.SERVER_READY)) {
                health.setServing(true);
            } else if (event.is(EventTypes.PREPARE_SHUTDOWN)) {
                health.setServing(false);
                drain();
            }
        }

        private static void drain() {
            int seconds = drainSeconds;
            if (seconds <= 0) {
                return;
            }
            LOG.log(Level.INFO, "gRPC health is NOT_SERVING; serving on for {0} s before GlassFish shuts down", seconds);
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
