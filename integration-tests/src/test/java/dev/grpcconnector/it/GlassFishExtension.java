package dev.grpcconnector.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the shared {@link GlassFishServer} on first use and keeps it in the root store,
 * which JUnit closes (it is AutoCloseable) when the whole run ends. The server also has a
 * shutdown hook, for runs that end otherwise.
 *
 * <p>When a test fails, the WARNING and SEVERE records GlassFish logged while it ran are
 * printed with the test output.
 */
public final class GlassFishExtension implements BeforeAllCallback, BeforeEachCallback, TestWatcher, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(GlassFishExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        GlassFishServer server = server(context);
        context.getStore(NS).put("logLine", server.serverLogLineCount());
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Long from = context.getStore(NS).get("logLine", Long.class);
        if (from == null) {
            return;
        }
        String problems = server(context).serverProblemsSince(from, 60);
        if (!problems.isBlank()) {
            System.out.println("=== server.log WARNING/SEVERE records during " + context.getDisplayName() + ":\n" + problems);
        }
    }

    static GlassFishServer server(ExtensionContext context) {
        return context.getRoot().getStore(NS)
                .getOrComputeIfAbsent(GlassFishServer.class, k -> GlassFishServer.get(), GlassFishServer.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == GlassFishServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return server(e);
    }
}
