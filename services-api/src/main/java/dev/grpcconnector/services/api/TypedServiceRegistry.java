package dev.grpcconnector.services.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server-wide table of typed gRPC services: full service name → the application's
 * {@link CallHandler}. One per JVM (this class lives in the connector bundle, which every
 * application sees through GlassFish's API class loader; an application must not package
 * a copy).
 *
 * <p>A service name belongs to one application at a time: registering a name another
 * registration holds fails with {@link DuplicateServiceException}, and nothing of that
 * registration is kept. Closing a {@link Registration} removes its names.
 */
public final class TypedServiceRegistry {
    private static final Logger LOG = Logger.getLogger(TypedServiceRegistry.class.getName());
    private static final Map<String, Entry> SERVICES = new ConcurrentHashMap<>();
    private static final Object LOCK = new Object();

    private record Entry(String owner, CallHandler handler, Registration registration) {
    }

    private TypedServiceRegistry() {
    }

    /**
     * Registers services of one application.
     *
     * @param owner who registers, for messages (e.g. the application's name and module)
     * @param serviceNames full gRPC service names, e.g. {@code demo.v1.DemoService}
     * @param handler starts the calls of these services
     * @throws DuplicateServiceException when another registration holds one of the names
     */
    public static Registration register(String owner, Collection<String> serviceNames, CallHandler handler) {
        Set<String> names = new TreeSet<>(serviceNames);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no service names");
        }
        Registration registration = new Registration(owner, names);
        synchronized (LOCK) {
            for (String name : names) {
                Entry held = SERVICES.get(name);
                if (held != null) {
                    throw new DuplicateServiceException(name, held.owner(), owner);
                }
            }
            for (String name : names) {
                SERVICES.put(name, new Entry(owner, handler, registration));
            }
        }
        LOG.log(Level.INFO, "gRPC services of {0} registered: {1}", new Object[] {owner, names});
        return registration;
    }

    /**
     * Registers those of {@code serviceNames} no other registration holds, and leaves the
     * others alone: for services any application may answer for the whole server, such
     * as server reflection, which the first application to start serves.
     *
     * @return the registration of the names taken, possibly none
     */
    public static Registration registerIfFree(String owner, Collection<String> serviceNames, CallHandler handler) {
        Set<String> taken = new TreeSet<>();
        Registration registration;
        synchronized (LOCK) {
            for (String name : serviceNames) {
                if (!SERVICES.containsKey(name)) {
                    taken.add(name);
                }
            }
            registration = new Registration(owner, taken);
            for (String name : taken) {
                SERVICES.put(name, new Entry(owner, handler, registration));
            }
        }
        if (!taken.isEmpty()) {
            LOG.log(Level.INFO, "gRPC services of {0} registered: {1}", new Object[] {owner, taken});
        }
        return registration;
    }

    /** The handler of a service, or {@code null} when no application serves it. */
    public static CallHandler handler(String serviceName) {
        Entry entry = SERVICES.get(serviceName);
        return entry == null ? null : entry.handler();
    }

    /** The names of every registered service, sorted. */
    public static List<String> serviceNames() {
        return new ArrayList<>(new TreeSet<>(SERVICES.keySet()));
    }

    /** The services of one {@link #register} call; closing it removes them. */
    public static final class Registration implements AutoCloseable {
        private final String owner;
        private final Set<String> names;

        private Registration(String owner, Set<String> names) {
            this.owner = owner;
            this.names = names;
        }

        public Set<String> serviceNames() {
            return names;
        }

        /** Removes this registration's services (once; later calls do nothing). */
        @Override
        public void close() {
            boolean removed = false;
            synchronized (LOCK) {
                for (String name : names) {
                    Entry entry = SERVICES.get(name);
                    if (entry != null && entry.registration() == this) {
                        SERVICES.remove(name);
                        removed = true;
                    }
                }
            }
            if (removed) {
                LOG.log(Level.INFO, "gRPC services of {0} removed: {1}", new Object[] {owner, names});
            }
        }
    }
}
