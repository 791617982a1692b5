package dev.grpcconnector.grizzly.frames;

import java.io.IOException;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;

/**
 * A filter below {@code HttpServerFilter} that follows the frames of each connection's
 * raw inbound bytes with an {@link Http2FrameScanner} of its own, reporting them to a
 * per-connection listener, and passes every byte on unchanged.
 *
 * @param <L> the per-connection listener
 */
public abstract class InboundFrameFilter<L extends Http2FrameScanner.FrameListener> extends BaseFilter {
    private final Attribute<Http2FrameScanner<L>> scanners =
            AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(getClass().getName());

    /** The listener for a connection's frames, made at its first read. */
    protected abstract L newListener(Connection<?> connection);

    @Override
    public final NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof Buffer buffer) {
            Connection<?> connection = ctx.getConnection();
            Http2FrameScanner<L> scanner = scanners.get(connection);
            if (scanner == null) {
                scanner = new Http2FrameScanner<>(newListener(connection));
                scanners.set(connection, scanner);
            }
            scanner.scan(buffer);
        }
        return ctx.getInvokeAction();
    }

    /** The connection's scanner, or {@code null} before its first read. */
    protected final Http2FrameScanner<L> scanner(Connection<?> connection) {
        return scanners.get(connection);
    }
}
