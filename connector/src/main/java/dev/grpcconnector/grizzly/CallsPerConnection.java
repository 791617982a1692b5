package dev.grpcconnector.grizzly;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.attributes.AttributeBuilder;

/**
 * Limits the connector's calls in flight on one connection
 * ({@code grpc-connector-max-calls-per-connection}, docs/configuration.md), so that one
 * connection cannot take every application thread and a caller on another connection is
 * still served.
 *
 * <p>A call is in flight from its request headers until it is over <em>and</em> no
 * application thread runs it any more. That second condition is the point: HTTP/2's own
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS} counts streams, and a stream the client resets
 * stops counting at once, while the application may still be working on it — the "rapid
 * reset" attack (CVE-2023-44487) opens and resets streams to pile up work behind a
 * stream limit that never fills. Here a reset call keeps its place until the
 * application's thread has returned from it.
 *
 * <p>The calls of a connection are also where a connection-wide {@code WINDOW_UPDATE} is
 * reported to each call ({@link PeerWindowFilter}).
 */
final class CallsPerConnection {
    private static final Attribute<CallsPerConnection> ATTRIBUTE =
            AttributeBuilder.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(CallsPerConnection.class.getName());

    private final Set<Slot> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();

    private CallsPerConnection() {
    }

    /** A place for one more call on {@code connection}, or {@code null} when {@code limit} calls are in flight there. */
    static Slot tryAcquire(Connection<?> connection, int limit) {
        CallsPerConnection calls = of(connection);
        int now;
        do {
            now = calls.count.get();
            if (now >= limit) {
                return null;
            }
        } while (!calls.count.compareAndSet(now, now + 1));
        Slot slot = calls.new Slot();
        calls.inFlight.add(slot);
        return slot;
    }

    /** The calls in flight on {@code connection}: none when it carries no connector call. */
    static Set<Slot> inFlight(Connection<?> connection) {
        CallsPerConnection calls = ATTRIBUTE.get(connection);
        return calls == null ? Set.of() : calls.inFlight;
    }

    /** How many calls are in flight on {@code connection}. */
    static int count(Connection<?> connection) {
        CallsPerConnection calls = ATTRIBUTE.get(connection);
        return calls == null ? 0 : calls.count.get();
    }

    private static CallsPerConnection of(Connection<?> connection) {
        synchronized (connection) {
            CallsPerConnection calls = ATTRIBUTE.get(connection);
            if (calls == null) {
                calls = new CallsPerConnection();
                ATTRIBUTE.set(connection, calls);
            }
            return calls;
        }
    }

    /**
     * One call's place. It is held by the call until the call is {@linkplain #over over},
     * and by each application thread that runs the call ({@link #enter}/{@link #exit});
     * it is given back when the last of them lets go.
     */
    final class Slot {
        private final AtomicInteger holders = new AtomicInteger(1);
        private volatile HttpBodyCall call;
        private boolean over;

        void attach(HttpBodyCall owner) {
            call = owner;
        }

        /** The call, or {@code null} while it is being made. */
        HttpBodyCall call() {
            return call;
        }

        /** An application thread starts running the call. */
        void enter() {
            holders.incrementAndGet();
        }

        /** That application thread returned. */
        void exit() {
            release();
        }

        /** The call is answered, refused or cancelled; idempotent. */
        void over() {
            synchronized (this) {
                if (over) {
                    return;
                }
                over = true;
            }
            release();
        }

        private void release() {
            if (holders.decrementAndGet() == 0) {
                inFlight.remove(this);
                count.decrementAndGet();
            }
        }
    }
}
