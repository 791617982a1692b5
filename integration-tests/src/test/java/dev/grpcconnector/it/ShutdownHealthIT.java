package dev.grpcconnector.it;

import dev.grpcconnector.it.HttpBodyClient.Request;
import dev.grpcconnector.it.HttpBodyClient.Response;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code grpc.health.v1.Health/Check} must answer NOT_SERVING while GlassFish shuts down,
 * before the listener goes away, so that a health checker sees the backend leave rather
 * than just lose it. The connector switches on GlassFish's PREPARE_SHUTDOWN event, which
 * {@code AppServerStartup.stop()} sends (synchronously) before it takes the run level down.
 *
 * <p>The test stops its server, so it runs on a domain of its own (one extra domain
 * start). With Check answering SERVING on one open connection, it calls
 * {@code asadmin stop-domain} in the background while four threads call Check back to
 * back on that connection. It passes when NOT_SERVING is answered before the connection
 * goes away, and never SERVING again after it on any thread; it fails when the connection
 * goes away with only SERVING answers seen — the behaviour of a connector that ignores
 * PREPARE_SHUTDOWN.
 *
 * <p>Why back to back: GlassFish 8.0.0 stops the network listeners
 * ({@code GrizzlyService.preDestroy}) right after PREPARE_SHUTDOWN, in the same run level
 * as, and before, the undeployment of the applications
 * ({@code ApplicationLoaderService.preDestroy}); the listener closes the connection
 * without GOAWAY. Between PREPARE_SHUTDOWN and that close there is only a little
 * housekeeping (file monitoring, JMX connector), some 50 to 150 ms on the CI machines:
 * a health checker polling every few seconds will almost never see NOT_SERVING. The
 * test WAR's {@code SlowUndeployListener} (active on this domain only, through the system
 * property {@code it.slowUndeployMillis}) was meant to hold the shutdown open; since the
 * application is undeployed after the listener is closed, it cannot, and it is kept only
 * as a marker in server.log that shows that order when this test fails.
 *
 * <p>That is why the connector has a drain time ({@code grpc-connector-shutdown-drain-seconds},
 * {@value #DRAIN_SECONDS} s here): its PREPARE_SHUTDOWN handler holds the shutdown while health
 * says NOT_SERVING and the listener still serves. The test checks that a call made after
 * NOT_SERVING was seen is answered normally.
 */
class ShutdownHealthIT {

    static final String SECOND_DOMAIN = "grpc-it-shutdown";
    static final long SLOW_UNDEPLOY_MS = 2000;
    static final String HTTP_SERVICE = "grpcconnector.v1.HttpService";
    static final int POLLERS = 4;
    /** The drain the connector holds the shutdown for, serving with NOT_SERVING health. */
    static final int DRAIN_SECONDS = 3;

    record Answer(long nanos, LocalTime utc, int poller, String what) {
    }

    @Test
    void healthAnswersNotServingWhileGlassFishShutsDown() throws Exception {
        GlassFishServer gf = GlassFishServer.secondDomain(SECOND_DOMAIN);
        ExecutorService pool = Executors.newFixedThreadPool(POLLERS + 1);
        try {
            gf.startSecond(Map.of("it.slowUndeployMillis", String.valueOf(SLOW_UNDEPLOY_MS)),
                    Map.of("grpc-connector-shutdown-drain-seconds", String.valueOf(DRAIN_SECONDS)));
            try (HttpBodyClient client = HttpBodyClient.connect(gf.grpcPort())) {
                assertEquals(ServingStatus.SERVING, check(client, ""));
                assertEquals(ServingStatus.SERVING, check(client, HTTP_SERVICE));
                Response echo = client.handle(Request.get("/app/echo?before=shutdown"));
                assertTrue(echo.ok() && echo.httpCode() == 200, echo::toString);

                long logLine = gf.serverLogLineCount();
                List<Answer> answers = java.util.Collections.synchronizedList(new ArrayList<>());
                AtomicBoolean stopPolling = new AtomicBoolean();
                List<Future<?>> pollers = new ArrayList<>();
                for (int p = 0; p < POLLERS; p++) {
                    int poller = p;
                    pollers.add(pool.submit(() -> {
                        while (!stopPolling.get()) {
                            String what;
                            try {
                                what = check(client, poller % 2 == 0 ? "" : HTTP_SERVICE).name();
                            } catch (StatusRuntimeException e) {
                                what = "failed " + e.getStatus().getCode();
                            }
                            answers.add(new Answer(System.nanoTime(), LocalTime.now(ZoneOffset.UTC), poller, what));
                            if (what.startsWith("failed")) {
                                GlassFishServer.sleep(20); // the connection is gone: do not spin on reconnects
                            }
                        }
                    }));
                }
                // Once health says NOT_SERVING, an ordinary call must still be answered: that
                // is what the drain is for (Envoy stops sending new requests, those in flight finish).
                CompletableFuture<Response> duringDrain = CompletableFuture.supplyAsync(() -> {
                    while (!anyNotServing(answers)) {
                        if (lastIsFailure(answers)) {
                            return null;
                        }
                        GlassFishServer.sleep(5);
                    }
                    return client.handle(Request.get("/app/echo?during=drain"));
                }, pool);
                CompletableFuture<Integer> stop = gf.stopDomainAsync();
                int rc = stop.get(3, TimeUnit.MINUTES);
                // The server process is gone once stop-domain returns; wait for the pollers to notice.
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (System.nanoTime() < deadline && !lastIsFailure(answers)) {
                    GlassFishServer.sleep(20);
                }
                stopPolling.set(true);
                for (Future<?> f : pollers) {
                    f.get(1, TimeUnit.MINUTES);
                }

                List<Answer> sorted = new ArrayList<>(answers);
                sorted.sort(Comparator.comparingLong(Answer::nanos));
                String timeline = timeline(sorted);
                String log = gf.serverLogSince(logLine);
                GlassFishServer.log("shutdown health, " + POLLERS + " pollers (UTC): " + timeline + "; stop-domain rc " + rc);
                System.out.println("=== server.log of " + SECOND_DOMAIN + " during the shutdown:\n" + log);

                Answer firstNotServing = sorted.stream().filter(a -> a.what.equals("NOT_SERVING")).findFirst().orElse(null);
                Answer firstFailure = sorted.stream().filter(a -> a.what.startsWith("failed")).findFirst().orElse(null);
                if (firstNotServing == null || (firstFailure != null && firstFailure.nanos < firstNotServing.nanos)) {
                    fail("Health/Check never answered NOT_SERVING before the connection went away during the shutdown: "
                            + timeline + "; stop-domain rc " + rc + "\nserver.log during the shutdown:\n" + log);
                }
                for (int p = 0; p < POLLERS; p++) {
                    // Per thread, since answers of different threads may cross on the way back.
                    boolean notServing = false;
                    for (Answer a : sorted) {
                        if (a.poller != p) {
                            continue;
                        }
                        notServing |= a.what.equals("NOT_SERVING");
                        if (notServing && a.what.equals("SERVING")) {
                            fail("SERVING again after NOT_SERVING (poller " + p + "): " + timeline);
                        }
                    }
                }
                Response drained = duringDrain.get(1, TimeUnit.MINUTES);
                assertTrue(drained != null && drained.ok() && drained.httpCode() == 200,
                        () -> "a call during the drain must be served: " + drained + "; " + timeline);
                assertEquals(0, rc, "stop-domain exit code");
            }
        } finally {
            pool.shutdownNow();
            gf.destroy();
        }
    }

    static boolean anyNotServing(List<Answer> answers) {
        synchronized (answers) {
            return answers.stream().anyMatch(a -> a.what.equals("NOT_SERVING"));
        }
    }

    static boolean lastIsFailure(List<Answer> answers) {
        synchronized (answers) {
            return !answers.isEmpty() && answers.get(answers.size() - 1).what.startsWith("failed");
        }
    }

    /** Runs of equal answers: "SERVING x57 (12:00:01.1 - 12:00:03.2), NOT_SERVING x3 (...)". */
    static String timeline(List<Answer> sorted) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1).what.equals(sorted.get(i).what)) {
                j++;
            }
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(sorted.get(i).what).append(" x").append(j - i + 1).append(" (").append(sorted.get(i).utc)
                    .append(" - ").append(sorted.get(j).utc).append(')');
            i = j + 1;
        }
        return b.toString();
    }

    static ServingStatus check(HttpBodyClient client, String service) {
        return HealthGrpc.newBlockingStub(client.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }
}
