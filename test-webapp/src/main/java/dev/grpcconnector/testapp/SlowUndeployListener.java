package dev.grpcconnector.testapp;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Keeps an undeployment (and so a server shutdown) going for a while, for the test of
 * the health service during shutdown: when the system property
 * {@code it.slowUndeployMillis} is set to N &gt; 0, {@code contextDestroyed} sleeps N ms.
 * Without the property (the shared test server, any normal deployment) it does nothing.
 *
 * <p>GlassFish 8.0.0 closes its network listeners before it undeploys the applications,
 * so this does not keep the listeners open during a shutdown; its two log lines mark in
 * server.log when the undeployment ran relative to the listener's close.
 */
@WebListener
public class SlowUndeployListener implements ServletContextListener {

    static final String PROPERTY = "it.slowUndeployMillis";

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        long ms = Long.getLong(PROPERTY, 0L);
        if (ms <= 0) {
            return;
        }
        event.getServletContext().log("SlowUndeployListener: contextDestroyed sleeps " + ms + " ms (" + PROPERTY + ")");
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        event.getServletContext().log("SlowUndeployListener: contextDestroyed done");
    }
}
